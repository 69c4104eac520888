package eventhandler.sim.data;

import java.time.Duration;

/**
 * What a call of the events API costs in the events backend (DynamoDB, Postgres, Firestore,
 * Athena): a fixed part per call and a part per event returned. The simulator delays each answer by
 * it without holding a thread, so calls in flight together take it once, as a real backend does.
 */
public record CallLatency(Duration perCall, Duration perEvent) {
  public static final CallLatency NONE = new CallLatency(Duration.ZERO, Duration.ZERO);

  public CallLatency {
    if (perCall.isNegative() || perEvent.isNegative()) {
      throw new IllegalArgumentException("a latency must not be negative");
    }
  }

  /** The whole delay of a call that returns {@code events} events. */
  public Duration forEvents(long events) {
    return perCall.plus(perEvent.multipliedBy(events));
  }

  public boolean isZero() {
    return perCall.isZero() && perEvent.isZero();
  }

  /** As {@code bench} prints it, e.g. {@code 25ms per call + 50us per event}. */
  public String describe() {
    return isZero() ? "none" : text(perCall) + " per call + " + text(perEvent) + " per event";
  }

  private static String text(Duration d) {
    long nanos = d.toNanos();
    if (nanos % 1_000_000 == 0) {
      return nanos / 1_000_000 + "ms";
    }
    return nanos % 1_000 == 0 ? nanos / 1_000 + "us" : nanos + "ns";
  }
}
