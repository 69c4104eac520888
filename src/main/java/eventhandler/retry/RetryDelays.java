package eventhandler.retry;

import java.time.Duration;

/**
 * The delays of one retry loop: each {@link #next()} counts a failure and gives the {@link Backoff}
 * delay for it; {@link #reset()} after a success starts again from the first delay. Not
 * thread-safe: one loop owns it.
 */
public final class RetryDelays {
  private final Backoff backoff;
  private int failures;

  RetryDelays(Backoff backoff) {
    this.backoff = backoff;
  }

  /** The delay before the next attempt; grows with each call until the cap. */
  public Duration next() {
    if (failures < Integer.MAX_VALUE) {
      failures++;
    }
    return backoff.delay(failures);
  }

  /** Failures counted since the start or the last {@link #reset()}. */
  public int failures() {
    return failures;
  }

  public void reset() {
    failures = 0;
  }
}
