package eventhandler.pipeline;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Capped exponential backoff with "half jitter": each delay is between half and all of the current
 * step, so many retrying clients spread out while none retries too eagerly.
 */
final class Backoff {
  private final Duration initial;
  private final Duration max;
  private final RandomGenerator random;
  private Duration step;

  Backoff(Duration initial, Duration max, RandomGenerator random) {
    this.initial = initial;
    this.max = max;
    this.random = random;
    this.step = initial;
  }

  /** The delay before the next attempt; grows until the cap. */
  Duration next() {
    long stepMillis = step.toMillis();
    long delay = stepMillis / 2 + (stepMillis > 1 ? random.nextLong(stepMillis / 2 + 1) : 0);
    Duration doubled = step.multipliedBy(2);
    step = doubled.compareTo(max) > 0 ? max : doubled;
    return Duration.ofMillis(delay);
  }

  void reset() {
    step = initial;
  }
}
