package eventhandler.bench;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Follows the export's own counters ({@code eventhandler.events.exported}, {@code
 * eventhandler.fluentd.sent}, in bytes) every few milliseconds, to time the first delivered event
 * and the span from the first to the last delivery.
 */
final class DeliveryWatch implements AutoCloseable {
  private static final Duration POLL = Duration.ofMillis(5);

  /** Counts at one moment. */
  record Snapshot(long nanos, long audit, long session, double bytes) {
    long events() {
      return audit + session;
    }
  }

  private final MeterRegistry registry;
  private final Snapshot atStart;
  private final PeriodicSampler poller;
  private final Map<String, FunctionCounter> exportedCounters = new HashMap<>();
  private Counter bytesCounter;
  private volatile Snapshot latest;
  private volatile long firstDeliveryNanos = -1;
  private volatile Snapshot atFirstDelivery;
  private volatile long lastChangeNanos = -1;

  /** Starts watching; the run's start is now. */
  DeliveryWatch(MeterRegistry registry) {
    this.registry = registry;
    this.atStart = new Snapshot(System.nanoTime(), 0, 0, 0);
    this.latest = atStart;
    poller = new PeriodicSampler("bench-delivery-watch", POLL, this::update);
  }

  private synchronized void update() {
    long now = System.nanoTime();
    Snapshot snapshot = new Snapshot(now, exported("audit"), exported("session"), bytesSent());
    if (snapshot.events() > 0 && firstDeliveryNanos < 0) {
      firstDeliveryNanos = now;
      atFirstDelivery = snapshot;
    }
    if (snapshot.events() != latest.events()) {
      lastChangeNanos = now;
    }
    latest = snapshot;
  }

  private long exported(String kind) {
    FunctionCounter counter = exportedCounters.get(kind);
    if (counter == null) {
      // Registered once the export service exists; looked up until then.
      counter = registry.find("eventhandler.events.exported").tag("kind", kind).functionCounter();
      if (counter != null) {
        exportedCounters.put(kind, counter);
      }
    }
    return counter == null ? 0 : (long) counter.count();
  }

  private double bytesSent() {
    if (bytesCounter == null) {
      bytesCounter = registry.find("eventhandler.fluentd.sent").counter();
    }
    return bytesCounter == null ? 0 : bytesCounter.count();
  }

  /** The run's start: nothing delivered yet. */
  Snapshot atStart() {
    return atStart;
  }

  /** The counts now. */
  Snapshot now() {
    update();
    return latest;
  }

  /** Nanoseconds from the start to the first delivered event, or -1 if none was delivered. */
  long firstDeliveryAfterStartNanos() {
    return firstDeliveryNanos < 0 ? -1 : firstDeliveryNanos - atStart.nanos();
  }

  /** Nanoseconds from the first to the last delivery (at least one poll interval), or -1. */
  long deliverySpanNanos() {
    if (firstDeliveryNanos < 0) {
      return -1;
    }
    return Math.max(lastChangeNanos - firstDeliveryNanos, POLL.toNanos());
  }

  /**
   * The counts seen at the first delivery: a rate over the delivery span leaves them out, since
   * they were delivered before the span began.
   */
  Snapshot atFirstDelivery() {
    return atFirstDelivery == null ? atStart : atFirstDelivery;
  }

  @Override
  public void close() {
    poller.close();
    update();
  }
}
