package eventhandler.autolock;

import java.time.Duration;
import java.util.Objects;

/** How often and how patiently a failed upsert is tried again. */
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

  Duration delayBefore(int attempt) {
    Duration delay = firstDelay.multipliedBy(1L << Math.min(attempt - 2, 20));
    return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
  }
}
