package eventhandler.pipeline.audit;

import eventhandler.pipeline.DaemonThreads;
import eventhandler.pipeline.ExportMetrics;
import eventhandler.pipeline.delivery.Checkpointer;
import eventhandler.pipeline.delivery.DeliveryLane;
import eventhandler.state.StateStore;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The search export while it is behind: several readers, each reading one time window at a time
 * with its own page cursor into the window's own lane, so Teleport's time per call is paid once per
 * reader rather than once per page of the whole backlog. The order of audit events at Fluentd
 * changes across windows; within a window it stays the order of the pages.
 */
final class SearchCatchUp {
  private static final Logger LOG = LoggerFactory.getLogger(SearchCatchUp.class);

  /** What the catch-up needs besides where it starts and ends. */
  record Parts(
      WindowRead reader,
      StateStore state,
      ExportMetrics metrics,
      Function<WindowPosition, DeliveryLane<WindowPosition>> lanes,
      Checkpointer checkpointer,
      int readers,
      java.time.Duration windowSize,
      int pageSize,
      List<String> types) {}

  private final Parts parts;

  SearchCatchUp(Parts parts) {
    this.parts = parts;
  }

  /**
   * Reads and delivers every event from {@code from} to {@code until}; returns the time up to which
   * all is delivered (at least {@code until}), with the Go files saying so and no side file.
   */
  Instant run(SearchPosition from, Instant until) throws InterruptedException, IOException {
    StateStore state = parts.state();
    WindowBook book =
        new WindowBook(
            state,
            parts.types(),
            from,
            state.windowsAhead(),
            until,
            parts.windowSize(),
            parts.readers(),
            parts.pageSize());
    // The side file first (it carries a Go cursor's position), then the Go files lose the cursor.
    book.save();
    state.setCursor("");
    state.setLastId("");
    LOG.info(
        "behind: reading the events from {} to {} with {} readers of one time window each",
        from.windowStart(),
        book.frontier().isAfter(until) ? book.frontier() : until,
        parts.readers());
    parts.metrics().caughtUp(false);
    List<Started> started = new ArrayList<>();
    ExecutorService pool =
        Executors.newFixedThreadPool(parts.readers(), DaemonThreads.named("audit-search-window"));
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int i = 0; i < parts.readers(); i++) {
        running.add(pool.submit(() -> readWindows(book, started)));
      }
      for (Future<?> future : running) {
        ReaderFutures.await(future, "reading a search window");
      }
      // Every window is read; settle their lanes, then the last save has all of them done.
      for (Started s : startedCopy(started)) {
        s.lane.drainUntilDelivered();
        s.tracking.stop();
      }
      stop(book.takeFinished());
      book.save();
      Instant reached = book.prefix();
      state.setWindowsAhead(java.util.Optional.empty());
      return reached;
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  private record Started(
      WindowBook.Entry entry, DeliveryLane<WindowPosition> lane, Checkpointer.Tracking tracking) {}

  private Void readWindows(WindowBook book, List<Started> started) throws InterruptedException {
    WindowBook.Entry window;
    while ((window = book.next()) != null) {
      stop(book.takeFinished());
      DeliveryLane<WindowPosition> lane = parts.lanes().apply(window.resumeFrom);
      WindowBook.Entry entry = window;
      Checkpointer.Tracking tracking =
          parts.checkpointer().track(lane, position -> book.committed(entry, position));
      book.tracked(entry, tracking);
      synchronized (started) {
        // Lanes of windows delivered whole are let go: a long backlog has thousands of windows.
        started.removeIf(s -> s.entry.committed.done());
        started.add(new Started(entry, lane, tracking));
      }
      try {
        long events = parts.reader().read(entry, lane);
        book.read(entry, events);
      } catch (InterruptedException | RuntimeException e) {
        // A stop (or a failure that ends the export): the lane stays tracked, so the last
        // checkpoint includes what it delivers.
        lane.flushOnStop();
        throw e;
      }
    }
    return null;
  }

  private static List<Started> startedCopy(List<Started> started) {
    synchronized (started) {
      return new ArrayList<>(started);
    }
  }

  private static void stop(List<Checkpointer.Tracking> trackings) {
    trackings.forEach(Checkpointer.Tracking::stop);
  }
}
