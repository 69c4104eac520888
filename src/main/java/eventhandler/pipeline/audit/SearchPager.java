package eventhandler.pipeline.audit;

import eventhandler.teleport.EventPage;
import eventhandler.teleport.TeleportClient;
import eventhandler.teleport.TeleportEvent;
import eventhandler.teleport.TeleportException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Reads audit events with the search API ({@code GetUnstructuredEvents}), as the Go plugin's legacy
 * watcher does: time windows of {@code windowSize} from the window start to now, pages of {@code
 * pageSize} within a window, and after a restart the already exported events of the re-fetched page
 * skipped by id ({@link SearchResume} judges that position). Unlike the Go plugin it resets the
 * page cursor when it moves to the next window (a cursor belongs to one query).
 */
public final class SearchPager {
  /** Events read by one call, with the position each one resumes from. */
  record Page(List<TeleportEvent> events, Instant windowStart, String requestCursor) {
    SearchPosition positionOf(TeleportEvent event) {
      return new SearchPosition(windowStart, requestCursor, event.id());
    }
  }

  private final TeleportClient client;
  private final Clock clock;
  private final Duration windowSize;
  private final int pageSize;
  private final List<String> types;
  private final SearchResume resume;

  private Instant windowStart;
  private String cursor;
  private String lastId;
  private volatile Instant lastTime;

  /**
   * A pager resuming from a position saved in {@code stateDirectory}.
   *
   * @param cursorDamaged whether the start-up check found the saved cursor damaged
   * @param stateDirectory where the position was saved, for the warnings
   */
  public SearchPager(
      TeleportClient client,
      Clock clock,
      Duration windowSize,
      int pageSize,
      List<String> types,
      SearchPosition resumeFrom,
      boolean cursorDamaged,
      Path stateDirectory) {
    this.resume =
        new SearchResume(resumeFrom, cursorDamaged, SearchResume.SavedIn.goFiles(stateDirectory));
    this.client = client;
    this.clock = clock;
    this.windowSize = windowSize;
    this.pageSize = pageSize;
    this.types = types;
    this.windowStart = resumeFrom.windowStart();
    this.cursor = resumeFrom.cursor() == null ? "" : resumeFrom.cursor();
    this.lastId = resumeFrom.lastId() == null ? "" : resumeFrom.lastId();
  }

  /**
   * The next events not read yet. An empty page means caught up: nothing newer than what was read
   * exists now; call again after the poll interval.
   */
  Page next() {
    while (true) {
      Instant now = clock.instant();
      if (!windowStart.isBefore(now)) {
        return new Page(List.of(), windowStart, cursor);
      }
      Instant windowEnd = windowStart.plus(windowSize);
      boolean lastWindow = !windowEnd.isBefore(now);
      Instant end = lastWindow ? now : windowEnd;
      String requestCursor = cursor;
      EventPage page;
      try {
        page = client.searchEvents(windowStart, end, types, pageSize, requestCursor);
      } catch (TeleportException e) {
        if (!resume.refusedSavedCursor(requestCursor, e, lastId)) {
          throw e;
        }
        cursor = "";
        continue;
      }
      Optional<SearchPosition> again = resume.readAgainFrom(page, lastId, windowStart);
      if (again.isPresent()) {
        cursor = again.get().cursor();
        lastId = again.get().lastId();
        continue;
      }
      List<TeleportEvent> fresh = afterLastId(page.events());
      boolean moreInWindow = !page.nextKey().isEmpty();
      if (moreInWindow) {
        cursor = page.nextKey();
      }
      if (!fresh.isEmpty()) {
        TeleportEvent last = fresh.get(fresh.size() - 1);
        lastId = last.id();
        lastTime = last.time();
        return new Page(fresh, windowStart, requestCursor);
      }
      if (moreInWindow) {
        continue;
      }
      if (lastWindow) {
        return new Page(List.of(), windowStart, cursor);
      }
      // This window is complete: move on to the next one with a fresh query.
      windowStart = windowEnd;
      cursor = "";
    }
  }

  /** The events after the last occurrence of the last read id (all of them if it is absent). */
  private List<TeleportEvent> afterLastId(List<TeleportEvent> events) {
    if (lastId.isEmpty()) {
      return events;
    }
    for (int i = events.size() - 1; i >= 0; i--) {
      if (events.get(i).id().equals(lastId)) {
        return events.subList(i + 1, events.size());
      }
    }
    return events;
  }

  Instant windowStart() {
    return windowStart;
  }

  /** The id of the last event read, for the stall check. */
  String lastId() {
    return lastId;
  }

  /** The time of the last event read in this run, or null before the first one. */
  Instant lastTime() {
    return lastTime;
  }
}
