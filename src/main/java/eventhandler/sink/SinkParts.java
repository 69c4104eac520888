package eventhandler.sink;

import eventhandler.logging.WarningThrottle;
import eventhandler.retry.Backoff;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every send of one sink shares: its settings, meters, the refusal rule and holds, where
 * refused events go, the retry delays, and the run of failed requests that health reports.
 */
final class SinkParts {
  private static final Logger LOG = LoggerFactory.getLogger(FluentdSink.class);
  private static final Duration WARNING_INTERVAL = Duration.ofSeconds(10);

  final FluentdSinkConfig config;
  final FluentdSinkMetrics metrics;
  final RefusalJudge judge;
  final Holds holds;
  final RefusalWriter refusals;
  final Backoff backoff;
  final WarningThrottle warnings;
  final Set<Delivery> pending = ConcurrentHashMap.newKeySet();
  private final Clock clock;
  private volatile boolean closed;

  private Instant lastSuccess;
  private Instant failingSince;
  private long consecutiveFailures;
  private String lastError;

  /**
   * @param holds false for {@code dead-letters replay}: every refusal is final
   */
  SinkParts(
      FluentdSinkConfig config,
      RefusedEvents refused,
      boolean holds,
      MeterRegistry registry,
      Clock clock) {
    this.config = config;
    this.clock = clock;
    this.metrics = new FluentdSinkMetrics(registry);
    this.warnings = new WarningThrottle(LOG, clock, WARNING_INTERVAL);
    this.judge = new RefusalJudge(holds, config.deadLetterLimit(), clock);
    this.holds = new Holds(registry, clock);
    this.refusals = new RefusalWriter(refused, warnings);
    this.backoff =
        new Backoff(
            config.minBackoff(),
            config.maxBackoff(),
            bound -> ThreadLocalRandom.current().nextLong(bound));
  }

  boolean closed() {
    return closed;
  }

  void close() {
    closed = true;
  }

  /** Records an answer from Fluentd; true when it ends a run of failures. */
  synchronized boolean recordSuccess() {
    boolean recovered = consecutiveFailures > 0;
    lastSuccess = clock.instant();
    failingSince = null;
    consecutiveFailures = 0;
    lastError = null;
    return recovered;
  }

  /** Records a failed request; returns the failures in a row. */
  synchronized long recordFailure(String error) {
    if (failingSince == null) {
      failingSince = clock.instant();
    }
    lastError = error;
    return ++consecutiveFailures;
  }

  synchronized SinkHealth health() {
    return new SinkHealth(
        lastSuccess,
        failingSince,
        consecutiveFailures,
        lastError,
        metrics.inFlight.get(),
        pending.size(),
        holds.snapshot());
  }
}
