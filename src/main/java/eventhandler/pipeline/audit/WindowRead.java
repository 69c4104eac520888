package eventhandler.pipeline.audit;

import eventhandler.logging.WarningThrottle;
import eventhandler.pipeline.ExportMetrics;
import eventhandler.pipeline.Interrupts;
import eventhandler.pipeline.RetryPause;
import eventhandler.pipeline.delivery.DeliveryLane;
import eventhandler.retry.RetryDelays;
import eventhandler.teleport.EventPage;
import eventhandler.teleport.TeleportClient;
import eventhandler.teleport.TeleportEvent;
import eventhandler.teleport.TeleportException;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Reads one catch-up window to its end, page by page with its own cursor, into the window's lane;
 * resumed from a saved position, the first page is judged as the Go files' one is ({@link
 * SearchResume}: a page that does not hold the saved id means reading the window again whole).
 */
record WindowRead(
    TeleportClient client,
    AuditEventHandler handler,
    ExportMetrics metrics,
    List<String> types,
    int pageSize,
    Supplier<RetryDelays> delays,
    WarningThrottle errors) {

  /** Reads the window into {@code lane}, ending it with {@link WindowPosition#DONE}; the count. */
  long read(WindowBook.Entry window, DeliveryLane<WindowPosition> lane)
      throws InterruptedException {
    String cursor = window.resumeFrom.cursor();
    String lastId = window.resumeFrom.lastId();
    SearchResume resume =
        new SearchResume(new SearchPosition(window.start, cursor, lastId), false, window.savedIn);
    RetryDelays retries = delays.get();
    long read = 0;
    while (true) {
      String requestCursor = cursor;
      EventPage page;
      try {
        page = client.searchEvents(window.start, window.end, types, pageSize, requestCursor);
        metrics.pollSucceeded();
        retries.reset();
      } catch (TeleportException e) {
        Interrupts.throwIfInterrupted();
        if (resume.refusedSavedCursor(requestCursor, e, lastId)) {
          cursor = "";
          continue;
        }
        metrics.pollFailed();
        RetryPause.warnAndSleep(
            errors,
            "search-window",
            "reading audit events of " + window.start + ".." + window.end + " failed, retrying",
            retries.next(),
            e);
        continue;
      }
      Optional<SearchPosition> again = resume.readAgainFrom(page, lastId, window.start);
      if (again.isPresent()) {
        cursor = again.get().cursor();
        lastId = again.get().lastId();
        continue;
      }
      List<TeleportEvent> events = page.events();
      for (int i = startAfter(events, lastId); i < events.size(); i++) {
        TeleportEvent event = events.get(i);
        handler.handle(event, new WindowPosition(requestCursor, event.id(), false), lane);
        lastId = event.id();
        read++;
      }
      if (page.nextKey().isEmpty()) {
        lane.skip(WindowPosition.DONE);
        lane.flush();
        return read;
      }
      cursor = page.nextKey();
    }
  }

  /** The index after the last occurrence of {@code lastId} (0 when it is not in the page). */
  private static int startAfter(List<TeleportEvent> events, String lastId) {
    if (!lastId.isEmpty()) {
      for (int i = events.size() - 1; i >= 0; i--) {
        if (events.get(i).id().equals(lastId)) {
          return i + 1;
        }
      }
    }
    return 0;
  }
}
