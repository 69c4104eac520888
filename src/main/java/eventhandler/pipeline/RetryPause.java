package eventhandler.pipeline;

import eventhandler.logging.WarningThrottle;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The wait of a retry loop after a failed Teleport call: one throttled warning that says what
 * failed, how it goes on and when, then the sleep. Every loop words it the same way so the log
 * reads alike whichever export failed.
 */
public final class RetryPause {
  private RetryPause() {}

  /**
   * Warns {@code "<failedAndNext> in <n> ms: <cause>"} under {@code key}, then sleeps {@code
   * delay}.
   */
  public static void warnAndSleep(
      WarningThrottle errors, String key, String failedAndNext, Duration delay, Exception cause)
      throws InterruptedException {
    errors.warn(key, failedAndNext + " in " + delay.toMillis() + " ms: " + cause.getMessage());
    TimeUnit.MILLISECONDS.sleep(delay.toMillis());
  }
}
