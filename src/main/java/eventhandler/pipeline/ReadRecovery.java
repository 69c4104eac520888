package eventhandler.pipeline;

import eventhandler.config.GoDuration;
import eventhandler.logging.Counted;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says once, after failed reads of audit events, that reading from Teleport works again: the
 * warnings of an outage are throttled, so without this line the log never tells that it ended.
 */
final class ReadRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(ReadRecovery.class);

  private final Clock clock;
  private long failures;
  private Instant failingSince;
  // Read without the lock on every event; only a change of state takes it.
  private volatile boolean failing;

  ReadRecovery(Clock clock) {
    this.clock = clock;
  }

  synchronized void failed() {
    if (!failing) {
      failingSince = clock.instant();
      failing = true;
    }
    failures++;
  }

  void succeeded() {
    if (!failing) {
      return;
    }
    long count;
    Duration outage;
    synchronized (this) {
      if (!failing) {
        return;
      }
      count = failures;
      outage = Duration.between(failingSince, clock.instant()).truncatedTo(ChronoUnit.SECONDS);
      failing = false;
      failures = 0;
      failingSince = null;
    }
    LOG.info(
        "reading audit events from Teleport works again, after {} over {}",
        Counted.of(count, "failed read", "failed reads"),
        GoDuration.format(outage));
  }
}
