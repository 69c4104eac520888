package eventhandler.retry;

import java.time.Duration;
import java.util.function.LongUnaryOperator;

/**
 * Capped exponential backoff with half jitter: the n-th consecutive failure waits between half and
 * all of {@code first * 2^(n-1)}, capped at {@code max}. The jitter spreads the retries of many
 * waiting clients so a recovering server is not hit by all of them at once, while none retries too
 * eagerly. Stateless and thread-safe; {@link #delays()} gives a counter for one retry loop.
 */
public final class Backoff {
  private final long firstNanos;
  private final long maxNanos;
  private final LongUnaryOperator random;

  /**
   * @param random returns a uniformly random value in {@code [0, bound)} for a positive bound, e.g.
   *     {@code randomGenerator::nextLong}
   */
  public Backoff(Duration first, Duration max, LongUnaryOperator random) {
    this.firstNanos = first.toNanos();
    this.maxNanos = max.toNanos();
    this.random = random;
  }

  /** Delay before the retry that follows failure number {@code failures} (1 = first failure). */
  public long delayNanos(int failures) {
    long ceiling = firstNanos;
    for (int i = 1; i < failures && ceiling < maxNanos; i++) {
      ceiling = ceiling > maxNanos / 2 ? maxNanos : ceiling * 2;
    }
    ceiling = Math.min(ceiling, maxNanos);
    long half = ceiling / 2;
    return half + (ceiling - half > 0 ? random.applyAsLong(ceiling - half + 1) : 0);
  }

  /** {@link #delayNanos} as a duration. */
  public Duration delay(int failures) {
    return Duration.ofNanos(delayNanos(failures));
  }

  /** A fresh count of failures in a row, for a loop that retries one thing. */
  public RetryDelays delays() {
    return new RetryDelays(this);
  }
}
