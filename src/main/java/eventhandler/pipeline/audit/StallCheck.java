package eventhandler.pipeline.audit;

import eventhandler.pipeline.ExportMetrics;
import eventhandler.teleport.EventPage;
import eventhandler.teleport.TeleportClient;
import eventhandler.teleport.TeleportEvent;
import eventhandler.teleport.TeleportException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Catches the Go plugin's silent stall (teleport#58365): paging keeps answering "nothing new" while
 * the cluster holds newer events. Once caught up, it asks now and then with a fresh query whether
 * any event exists after the newest one read; if so, it warns and counts it.
 */
public final class StallCheck {
  static final String SUSPECTED = ExportMetrics.STALL_SUSPECTED;

  private static final Logger LOG = LoggerFactory.getLogger(StallCheck.class);

  private final TeleportClient client;
  private final Clock clock;
  private final Duration every;
  private final List<String> types;
  private final Counter suspected;
  private Instant lastCheck;

  public StallCheck(
      TeleportClient client,
      MeterRegistry registry,
      Clock clock,
      Duration every,
      List<String> types) {
    this.client = client;
    this.clock = clock;
    this.every = every;
    this.types = types;
    this.suspected =
        Counter.builder(SUSPECTED)
            .description("times Teleport had newer events while paging found nothing new")
            .register(registry);
  }

  /**
   * Called when paging found nothing new; checks at most once per interval.
   *
   * @param lastReadTime time of the newest event paging has read (not the newest one handed to
   *     delivery, which lags behind by the pages read ahead), or null if none was read yet
   */
  void caughtUp(String lastReadId, Instant lastReadTime) {
    Instant now = clock.instant();
    Instant newest = lastReadTime;
    if (newest == null || (lastCheck != null && lastCheck.plus(every).isAfter(now))) {
      return;
    }
    lastCheck = now;
    try {
      EventPage page = client.searchEvents(newest.plusMillis(1), now, types, 1, "");
      for (TeleportEvent event : page.events()) {
        if (!event.id().equals(lastReadId)) {
          suspected.increment();
          Instant time = event.time();
          LOG.warn(
              "possible stall: Teleport holds a {} event at {}, newer than the newest event read"
                  + " ({}), but paging reports nothing new. The export keeps polling; if this"
                  + " repeats, check the Auth Service's audit backend and the window size"
                  + " (--window-size).",
              event.type(),
              time,
              newest);
        }
      }
    } catch (TeleportException e) {
      LOG.debug("stall check skipped: {}", e.getMessage());
    }
  }
}
