package eventhandler.autolock;

import eventhandler.retry.Backoff;
import eventhandler.retry.RetryDelays;
import java.time.Duration;
import java.util.Objects;

/**
 * How often and how patiently a failed upsert is tried again: at most {@code attempts} in all,
 * waiting as every Teleport retry loop does ({@link Backoff}, doubling from {@code firstDelay} up
 * to {@code maxDelay}) but at the top of each range, without jitter, so that the attempts are the
 * same every time (the default: 5 attempts over about 15 seconds, waiting 1, 2, 4 and 8 s).
 */
public record RetryPolicy(int attempts, Duration firstDelay, Duration maxDelay) {
  /** 5 attempts over about 15 seconds. */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(8));

  public RetryPolicy {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1");
    }
    Objects.requireNonNull(firstDelay, "firstDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
  }

  /** The delays between the attempts to write one lock. */
  RetryDelays delays() {
    // A "random" value at the top of the bound puts each delay at the top of its jitter range.
    return new Backoff(firstDelay, maxDelay, bound -> bound - 1).delays();
  }

  /** Whether an attempt may follow the failures counted so far. */
  boolean allowsAnotherAfter(RetryDelays delays) {
    return delays.failures() + 1 < attempts;
  }
}
