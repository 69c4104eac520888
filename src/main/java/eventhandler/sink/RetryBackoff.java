package eventhandler.sink;

import java.time.Duration;
import java.util.function.LongUnaryOperator;

/**
 * Capped exponential backoff with half jitter: the n-th consecutive failure waits between half and
 * all of {@code min * 2^(n-1)}, capped at {@code max}. The jitter spreads the retries of many
 * waiting requests so a recovering Fluentd is not hit by all of them at once.
 */
final class RetryBackoff {
  private final long minNanos;
  private final long maxNanos;
  private final LongUnaryOperator random;

  /**
   * @param random returns a uniformly random value in {@code [0, bound)} for a positive bound
   */
  RetryBackoff(Duration min, Duration max, LongUnaryOperator random) {
    this.minNanos = min.toNanos();
    this.maxNanos = max.toNanos();
    this.random = random;
  }

  /** Delay before the retry that follows failure number {@code failures} (1 = first failure). */
  long delayNanos(int failures) {
    long ceiling = minNanos;
    for (int i = 1; i < failures && ceiling < maxNanos; i++) {
      ceiling = ceiling > maxNanos / 2 ? maxNanos : ceiling * 2;
    }
    ceiling = Math.min(ceiling, maxNanos);
    long half = ceiling / 2;
    return half + (ceiling - half > 0 ? random.applyAsLong(ceiling - half + 1) : 0);
  }
}
