package eventhandler.state;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up judgement of a state directory, before anything is read from Teleport. Each file is
 * judged by its format and range, then against the others; a directory holding any position is
 * never a first run. What can be repaired without losing an event is repaired, with one warning
 * naming the file (a damaged cursor, index or record means reading again from an earlier point:
 * duplicates at most). What cannot is refused with {@link CorruptStateException}: no position is
 * known to resume from, and starting from now would skip the history.
 *
 * <p>Over 300 lines because the judgement across files (which file may be repaired, given what the
 * others hold) is one rule, and split up it would be read in pieces that each look safe alone.
 */
final class StateCheck {
  private static final Logger LOG = LoggerFactory.getLogger(StateCheck.class);

  /** How far ahead of this clock a saved time may be before it is taken for damage. */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  private final StateStore store;
  private final Clock clock;

  StateCheck(StateStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  void run(Optional<Instant> configuredStart) throws IOException {
    Instant now = clock.instant();
    SortedSet<LocalDate> dates = store.chunkFiles().dates();
    // Refusals first, so a refused start has changed nothing.
    checkDates(dates, now);
    TimeFile.Content window = checkWindowTime(!dates.isEmpty(), now);
    checkStartTime(configuredStart, window, dates, now);
    checkCursorAndId(window);
    checkWindowsAhead(window);
    checkSessions();
    checkMissingRecordings(now);
    checkChunkCursors(dates);
  }

  /** A date after tomorrow (UTC) is no day the bulk export can have reached. */
  private void checkDates(SortedSet<LocalDate> dates, Instant now) throws CorruptStateException {
    LocalDate tomorrow = LocalDate.ofInstant(now, ZoneOffset.UTC).plusDays(1);
    if (!dates.isEmpty() && dates.last().isAfter(tomorrow)) {
      throw new CorruptStateException(
          store.chunkFiles().dateDirectory(dates.last()),
          "the bulk export cannot have reached " + dates.last() + ", after today (" + now + ")",
          "If this machine's clock is right, delete that directory (and any later one)");
    }
  }

  private TimeFile.Content checkWindowTime(boolean bulk, Instant now) throws IOException {
    SearchCursorFiles search = store.search();
    TimeFile file = search.windowTimeFile();
    TimeFile.Content window = file.read();
    String problem =
        switch (window.kind()) {
          case DAMAGED -> window.problem();
          case TIME ->
              window.time().isAfter(now.plus(CLOCK_SKEW))
                  ? "the time " + window.time() + " is after now (" + now + ")"
                  : null;
          default ->
              hasText(search.cursorFile()) || hasText(search.idFile())
                  ? "not set, while cursor and id hold a position in it"
                  : null;
        };
    if (problem == null) {
      return window;
    }
    if (bulk) {
      // The bulk export resumes from cursor_v2; the search position is not used any more.
      LOG.warn(
          "state file {} is damaged ({}); it is not used by the bulk export, which resumes from"
              + " cursor_v2, and is emptied",
          file.path(),
          problem);
      file.write(Optional.empty());
      return new TimeFile.Content(TimeFile.Kind.NOT_SET, null, null);
    }
    throw new CorruptStateException(
        file.path(),
        problem,
        "It says from where the search export resumes, and nothing else does. Delete it, with"
            + " cursor and id beside it, to read again from start_time (the events since then"
            + " are sent again)");
  }

  private void checkStartTime(
      Optional<Instant> configured,
      TimeFile.Content window,
      SortedSet<LocalDate> dates,
      Instant now)
      throws IOException {
    TimeFile file = store.startTimeFile();
    TimeFile.Content start = file.read();
    List<String> position = positionHeld(window, dates);
    String problem = startTimeProblem(start, window, now);
    if (problem == null && start.kind() != TimeFile.Kind.TIME && !position.isEmpty()) {
      problem =
          (start.kind() == TimeFile.Kind.ABSENT ? "missing" : "empty")
              + ", while the directory holds an export in progress ("
              + String.join(", ", position)
              + ")";
    }
    if (problem == null) {
      return;
    }
    Optional<Instant> windowTime = window.value();
    if (configured.isPresent()) {
      Instant wanted = configured.get().truncatedTo(ChronoUnit.SECONDS);
      if (windowTime.isEmpty() || !wanted.isAfter(windowTime.get())) {
        LOG.warn(
            "state file {} is damaged ({}); --start-time {} is saved instead",
            file.path(),
            problem,
            wanted);
        file.write(Optional.of(wanted));
        return;
      }
    }
    throw new CorruptStateException(
        file.path(),
        problem,
        "Give --start-time with the time this export began"
            + windowTime.map(w -> " (" + w + " at the latest, where it had reached)").orElse("")
            + ", or delete "
            + store.directory()
            + " to begin a new export");
  }

  /** What is wrong with a {@code start_time} that has a value; null when it is fine or not set. */
  static String startTimeProblem(TimeFile.Content start, TimeFile.Content window, Instant now) {
    return switch (start.kind()) {
      case DAMAGED -> start.problem();
      case TIME -> {
        if (start.time().isAfter(now.plus(CLOCK_SKEW))) {
          yield "the time " + start.time() + " is after now (" + now + ")";
        }
        if (window.kind() == TimeFile.Kind.TIME && start.time().isAfter(window.time())) {
          yield "the time "
              + start.time()
              + " is after window_time "
              + window.time()
              + ", where the export had reached";
        }
        yield null;
      }
      default -> null;
    };
  }

  private List<String> positionHeld(TimeFile.Content window, SortedSet<LocalDate> dates)
      throws IOException {
    List<String> held = new ArrayList<>();
    if (window.kind() == TimeFile.Kind.TIME) {
      held.add("window_time " + window.time());
    }
    if (hasText(store.search().cursorFile()) || hasText(store.search().idFile())) {
      held.add("cursor and id");
    }
    if (!dates.isEmpty()) {
      held.add("cursor_v2 from " + dates.first());
    }
    int sessions =
        store.sessionFiles().sessionFiles().size() + store.sessionFiles().missingFiles().size();
    if (sessions > 0) {
      held.add(sessions + " session recording files");
    }
    return held;
  }

  private void checkCursorAndId(TimeFile.Content window) throws IOException {
    SearchCursorFiles search = store.search();
    byte[] id = orEmpty(SearchCursorFiles.raw(search.idFile()));
    String idProblem = SearchCursorFiles.idProblem(id);
    byte[] cursor = orEmpty(SearchCursorFiles.raw(search.cursorFile()));
    String cursorProblem = SearchCursorFiles.cursorProblem(cursor);
    if (idProblem != null) {
      LOG.warn(
          "state file {} is damaged ({}); the saved page is sent again whole, none of it skipped",
          search.idFile(),
          idProblem);
      search.setLastId("");
    } else if (id.length == 0 && cursor.length > 0 && cursorProblem == null) {
      LOG.warn(
          "state file {} is empty while cursor holds a page; that page is sent again whole",
          search.idFile());
    }
    if (cursorProblem != null) {
      String from = window.value().map(w -> "window_time " + w).orElse("start_time");
      LOG.warn(
          "state file {} is damaged ({}); the window from {} is read again{}",
          search.cursorFile(),
          cursorProblem,
          from,
          idProblem == null && id.length > 0
              ? ", skipping the events up to the saved id"
              : ", all of it sent again");
      search.setCursor("");
      store.markCursorDamaged();
    }
  }

  /**
   * The catch-up's windows ahead are used only beside the Go files they were written with ({@code
   * window_time} at or before their prefix, no cursor or id); any other file is removed, and the
   * windows after {@code window_time} are read again: duplicates, nothing skipped.
   */
  private void checkWindowsAhead(TimeFile.Content window) throws IOException {
    WindowsAheadFile file = store.windowsAheadFiles();
    String problem;
    try {
      Optional<WindowsAhead> ahead = file.read();
      if (ahead.isEmpty()) {
        return;
      }
      SearchCursorFiles search = store.search();
      // Its prefix may be after window_time (a crash between the two writes): all before it was
      // delivered when it was written. Before window_time, it is older than the Go files.
      Optional<Instant> time = window.value();
      problem =
          time.isEmpty() || ahead.get().prefix().isBefore(time.get())
              ? "it starts at " + ahead.get().prefix() + ", before window_time " + time.orElse(null)
              : hasText(search.cursorFile()) || hasText(search.idFile())
                  ? "cursor and id hold a position of their own"
                  : null;
    } catch (IllegalArgumentException e) {
      problem = "damaged: " + e.getMessage();
    }
    if (problem != null) {
      LOG.warn(
          "state file {} does not follow the files beside it ({}); it is removed, and the"
              + " events after window_time are read again: duplicates, nothing skipped",
          file.path(),
          problem);
      file.delete();
    }
  }

  private void checkSessions() throws IOException {
    SessionFiles sessions = store.sessionFiles();
    for (var entry : sessions.sessionFiles().entrySet()) {
      byte[] bytes = StateFiles.readIfExists(entry.getValue());
      String problem = bytes == null ? null : SessionFiles.indexProblem(bytes);
      if (problem != null) {
        LOG.warn(
            "state file {} is damaged ({}); the recording of session {} is exported again from"
                + " its start",
            entry.getValue(),
            problem,
            entry.getKey());
        sessions.setSessionIndex(entry.getKey(), 0);
      }
    }
  }

  private void checkMissingRecordings(Instant now) throws IOException {
    SessionFiles sessions = store.sessionFiles();
    for (var entry : sessions.missingFiles().entrySet()) {
      Path file = entry.getValue();
      byte[] bytes = StateFiles.readIfExists(file);
      if (bytes == null) {
        continue;
      }
      String problem;
      try {
        problem = SessionFiles.missingProblem(SessionFiles.parseMissing(file, bytes), now);
      } catch (CorruptStateException e) {
        problem = e.problem();
      }
      if (problem != null) {
        LOG.warn(
            "state file {} is damaged ({}); the recording of session {} is looked for again from"
                + " its start, as if uploaded now",
            file,
            problem,
            entry.getKey());
        sessions.writeMissing(entry.getKey(), new MissingRecording(0, 0, now));
      }
    }
  }

  private void checkChunkCursors(SortedSet<LocalDate> dates) throws IOException {
    ChunkCursorFiles chunks = store.chunkFiles();
    for (LocalDate date : dates) {
      for (var entry : chunks.cursorFiles(date).entrySet()) {
        byte[] bytes = StateFiles.readIfExists(entry.getValue());
        String problem = bytes == null ? null : ChunkCursorFiles.cursorProblem(bytes);
        if (problem != null) {
          LOG.warn(
              "state file {} is damaged ({}); chunk {} of {} is exported again from its start",
              entry.getValue(),
              problem,
              entry.getKey(),
              date);
          StateFiles.delete(entry.getValue());
        }
      }
    }
  }

  private static boolean hasText(Path file) throws IOException {
    byte[] bytes = StateFiles.readIfExists(file);
    return bytes != null && bytes.length > 0;
  }

  private static byte[] orEmpty(byte[] bytes) {
    return bytes == null ? new byte[0] : bytes;
  }
}
