package eventhandler.pipeline.audit;

import eventhandler.logging.Counted;
import eventhandler.logging.WarningThrottle;
import eventhandler.pipeline.ExportMetrics;
import eventhandler.pipeline.Interrupts;
import eventhandler.pipeline.RetryPause;
import eventhandler.pipeline.delivery.Checkpointer;
import eventhandler.pipeline.delivery.DeliveryLane;
import eventhandler.retry.RetryDelays;
import eventhandler.teleport.TeleportException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Audit export through search paging. A fetcher thread reads pages ahead into a small queue while
 * the caller's thread hands the events of the current page to delivery. The lane's delivered
 * position is saved by the {@code Checkpointer}, as {@link SearchPosition#legacyCursor()}. Given
 * {@link #stepAsideWhenBehind}, it ends when it finds itself that far behind, for the parallel
 * catch-up to take over again.
 */
public final class SearchExport implements AuditExport {
  private static final Logger LOG = LoggerFactory.getLogger(SearchExport.class);
  private static final int PAGES_AHEAD = 4;

  private final SearchPager pager;
  private final AuditEventHandler handler;
  private final DeliveryLane<SearchPosition> lane;
  private final ExportMetrics metrics;
  private final Duration pollInterval;
  private final boolean exitOnLastEvent;
  private final RetryDelays retryDelays;
  private final WarningThrottle errors;
  private final StallCheck stallCheck;
  private final BlockingQueue<SearchPager.Page> pages = new ArrayBlockingQueue<>(PAGES_AHEAD);
  private final Clock clock;
  private Duration behindLimit;
  private Checkpointer.Tracking tracking;
  private Instant steppedAsideAt;

  public SearchExport(
      SearchPager pager,
      AuditEventHandler handler,
      DeliveryLane<SearchPosition> lane,
      ExportMetrics metrics,
      Clock clock,
      Duration pollInterval,
      boolean exitOnLastEvent,
      RetryDelays retryDelays,
      StallCheck stallCheck) {
    this.pager = pager;
    this.handler = handler;
    this.lane = lane;
    this.metrics = metrics;
    this.pollInterval = pollInterval;
    this.exitOnLastEvent = exitOnLastEvent;
    this.retryDelays = retryDelays;
    this.stallCheck = stallCheck;
    this.clock = clock;
    this.errors = new WarningThrottle(LOG, clock, Duration.ofSeconds(30));
  }

  /**
   * Makes {@link #run} end once a page's last event is older than {@code limit}: the lane is
   * delivered whole and {@code tracking} stopped first, so the Go files hold this reader's last
   * position and nothing else writes them.
   */
  public SearchExport stepAsideWhenBehind(Duration limit, Checkpointer.Tracking tracking) {
    this.behindLimit = limit;
    this.tracking = tracking;
    return this;
  }

  /**
   * After {@link #run} returned: the time of the last event delivered if it stepped aside, behind;
   * every event before that time is delivered (pages are in time order).
   */
  public Optional<Instant> steppedAsideAt() {
    return Optional.ofNullable(steppedAsideAt);
  }

  @Override
  public String mode() {
    return "search";
  }

  @Override
  public String resumePoint() {
    SearchPosition from = lane.committed();
    return "resuming in the window from "
        + from.windowStart()
        + (from.lastId().isEmpty() ? " at its saved page" : " after event " + from.lastId());
  }

  @Override
  public void run() throws InterruptedException {
    Thread fetcher = new Thread(this::fetchPages, "audit-search-fetch");
    fetcher.setDaemon(true);
    fetcher.start();
    try {
      while (true) {
        SearchPager.Page page = pages.take();
        metrics.caughtUp(page.events().isEmpty());
        if (page.events().isEmpty()) {
          lane.flush();
          if (exitOnLastEvent) {
            while (!lane.drain(Duration.ofSeconds(10))) {
              LOG.info(
                  "waiting for {} to be delivered",
                  Counted.of(lane.batchesPending(), "batch", "batches"));
            }
            return;
          }
          continue;
        }
        for (var event : page.events()) {
          handler.handle(event, page.positionOf(event), lane);
        }
        Instant last = timeOf(page);
        if (behindLimit != null && last.isBefore(clock.instant().minus(behindLimit))) {
          LOG.info(
              "behind again: the newest event read is from {}; delivering what is read, then"
                  + " reading from there with the parallel readers",
              last);
          lane.drainUntilDelivered();
          tracking.stop();
          steppedAsideAt = last;
          return;
        }
        if (pages.isEmpty()) {
          lane.flush(); // nothing more is ready: do not hold a partial batch back
        }
      }
    } catch (InterruptedException | RuntimeException e) {
      lane.flushOnStop();
      throw e;
    } finally {
      fetcher.interrupt();
    }
  }

  private static Instant timeOf(SearchPager.Page page) {
    return page.events().get(page.events().size() - 1).time();
  }

  private void fetchPages() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        SearchPager.Page page;
        try {
          page = pager.next();
          metrics.pollSucceeded();
          retryDelays.reset();
        } catch (TeleportException e) {
          Interrupts.throwIfInterrupted();
          metrics.pollFailed();
          RetryPause.warnAndSleep(
              errors,
              "search",
              "reading audit events from Teleport failed, retrying",
              retryDelays.next(),
              e);
          continue;
        }
        pages.put(page);
        if (page.events().isEmpty()) {
          stallCheck.caughtUp(pager.lastId(), pager.lastTime());
          TimeUnit.MILLISECONDS.sleep(pollInterval.toMillis());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
