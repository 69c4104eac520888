package eventhandler.pipeline.audit;

import eventhandler.pipeline.delivery.Checkpointer;
import eventhandler.state.StateStore;
import eventhandler.state.WindowsAhead;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The catch-up's windows, in time order: it cuts the next one for a reader, sizing windows by the
 * events the last ones held, and keeps each window's committed position. What it saves keeps the Go
 * files a prefix of history: {@code window_time} is the start of the first window not yet delivered
 * (cursor and id empty), and the windows from there on go to the side file {@code windows_ahead}.
 */
final class WindowBook {
  /** A window is cut to hold about this many pages; fewer calls per event than tiny windows. */
  static final int PAGES_PER_WINDOW = 16;

  static final Duration MIN_WIDTH = Duration.ofSeconds(1);

  /**
   * One window: its range, its committed position and where that was read from (for the warnings),
   * and the checkpointer's tracking of its lane.
   */
  static final class Entry {
    final Instant start;
    final Instant end;
    final WindowPosition resumeFrom;
    final SearchResume.SavedIn savedIn;
    volatile WindowPosition committed;
    Checkpointer.Tracking tracking;

    Entry(Instant start, Instant end, WindowPosition resumeFrom, SearchResume.SavedIn savedIn) {
      this.start = start;
      this.end = end;
      this.resumeFrom = resumeFrom;
      this.savedIn = savedIn;
      this.committed = resumeFrom;
    }
  }

  private final StateStore state;
  private final List<String> types;
  private final Instant until;
  private final Duration maxWidth;
  private final long targetEvents;
  private final ArrayDeque<Entry> entries = new ArrayDeque<>();
  private final ArrayDeque<Entry> toRead = new ArrayDeque<>();
  private final List<Checkpointer.Tracking> finished = new ArrayList<>();
  private Instant prefix;
  private Instant frontier;
  private Duration width;
  private Instant savedPrefix;
  private WindowsAhead saved;

  /**
   * Windows from {@code from} (the Go files' {@code window_time}) to {@code until}, after the ones
   * carried over: {@code ahead} (the side file) or a window resumed at the Go files' cursor.
   */
  WindowBook(
      StateStore state,
      List<String> types,
      SearchPosition from,
      Optional<WindowsAhead> ahead,
      Instant until,
      Duration windowSize,
      int readers,
      int pageSize) {
    this.state = state;
    this.types = List.copyOf(types);
    this.until = until;
    this.maxWidth = windowSize;
    this.targetEvents = (long) pageSize * PAGES_PER_WINDOW;
    this.prefix = from.windowStart();
    // Not saved yet: on a first run window_time is absent, and the side file needs it beside it.
    this.savedPrefix = null;
    this.frontier = prefix;
    boolean goCursor = !from.cursor().isEmpty() || !from.lastId().isEmpty();
    if (goCursor) {
      Instant end = min(prefix.plus(windowSize), until);
      carry(
          new Entry(
              prefix,
              end,
              new WindowPosition(from.cursor(), from.lastId(), false),
              SearchResume.SavedIn.goFiles(state.directory())));
    } else if (ahead.isPresent()
        && !ahead.get().prefix().isBefore(prefix)
        && ahead.get().types().equals(this.types)) {
      // A prefix after window_time: the side file was saved, window_time not yet (see save).
      prefix = ahead.get().prefix();
      frontier = prefix;
      for (WindowsAhead.Window w : ahead.get().windows()) {
        WindowPosition at =
            w.done() ? WindowPosition.DONE : new WindowPosition(w.cursor(), w.lastId(), false);
        carry(new Entry(w.start(), w.end(), at, inSideFile(w.start(), w.end())));
      }
    }
    Duration left = Duration.between(frontier, until);
    this.width = clamp(left.dividedBy(Math.max(1, readers * 4L)));
  }

  private SearchResume.SavedIn inSideFile(Instant start, Instant end) {
    return SearchResume.SavedIn.window(state.windowsAheadFile(), start, end);
  }

  private void carry(Entry entry) {
    entries.add(entry);
    if (!entry.committed.done()) {
      toRead.add(entry);
    }
    frontier = entry.end;
  }

  /** The next window to read, carried over or cut; null when all of {@code until} is planned. */
  synchronized Entry next() {
    Entry carried = toRead.poll();
    if (carried != null) {
      return carried;
    }
    if (!frontier.isBefore(until)) {
      return null;
    }
    Instant end = min(frontier.plus(width), until);
    Entry entry = new Entry(frontier, end, WindowPosition.START, inSideFile(frontier, end));
    entries.add(entry);
    frontier = entry.end;
    return entry;
  }

  /** A window read to its end held {@code events}: the next windows are sized from it. */
  synchronized void read(Entry entry, long events) {
    Duration span = Duration.between(entry.start, entry.end);
    Duration wanted =
        events == 0
            ? span.multipliedBy(4)
            : Duration.ofNanos((long) (span.toNanos() * ((double) targetEvents / events)));
    // At most four times wider or narrower per step: one odd window does not swing the plan.
    Duration bounded = max(min(wanted, span.multipliedBy(4)), span.dividedBy(4));
    width = clamp(bounded);
  }

  /** Tracks the window's lane; its positions come back through {@link #committed}. */
  synchronized void tracked(Entry entry, Checkpointer.Tracking tracking) {
    entry.tracking = tracking;
  }

  /** The checkpointer's writer for the window's lane: saves the book if it moved. */
  void committed(Entry entry, WindowPosition position) throws IOException {
    synchronized (this) {
      entry.committed = position;
      if (position.done() && entry.tracking != null) {
        finished.add(entry.tracking); // stopped off the checkpointer's call, by a reader
      }
    }
    save();
  }

  /** Trackings of windows delivered whole, to stop (not under this lock: stop saves). */
  synchronized List<Checkpointer.Tracking> takeFinished() {
    List<Checkpointer.Tracking> done = new ArrayList<>(finished);
    finished.clear();
    return done;
  }

  /**
   * Writes the side file, then {@code window_time} when the prefix moved: a crash between the two
   * leaves a side file that does not follow {@code window_time}, which is not used (duplicates).
   */
  synchronized void save() throws IOException {
    while (!entries.isEmpty() && entries.peekFirst().committed.done()) {
      prefix = entries.pollFirst().end;
    }
    List<WindowsAhead.Window> windows = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      WindowPosition at = e.committed;
      windows.add(new WindowsAhead.Window(e.start, e.end, at.done(), at.cursor(), at.lastId()));
    }
    WindowsAhead ahead = new WindowsAhead(prefix, types, windows);
    if (ahead.equals(saved)) {
      return;
    }
    state.setWindowsAhead(Optional.of(ahead));
    if (!prefix.equals(savedPrefix)) {
      state.setWindowTime(Optional.of(prefix));
      savedPrefix = prefix;
    }
    saved = ahead;
  }

  /** Where every window is delivered up to (all of them, at the end of the catch-up). */
  synchronized Instant prefix() {
    return prefix;
  }

  synchronized Instant frontier() {
    return frontier;
  }

  private Duration clamp(Duration d) {
    return max(MIN_WIDTH, min(d, maxWidth));
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
