package eventhandler.sink;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;

/**
 * Logs a warning at most once per interval for each cause, and says how many similar warnings were
 * held back since, so a long outage gives a few lines instead of thousands.
 */
final class WarningThrottle {
  private final Logger log;
  private final Clock clock;
  private final long intervalMillis;
  private final Map<String, long[]> lastAndSuppressed = new HashMap<>();

  WarningThrottle(Logger log, Clock clock, Duration interval) {
    this.log = log;
    this.clock = clock;
    this.intervalMillis = interval.toMillis();
  }

  /** Logs {@code message} at WARN unless {@code cause} was logged within the interval. */
  void warn(String cause, String message) {
    long suppressed;
    long now = clock.millis();
    synchronized (this) {
      long[] state = lastAndSuppressed.get(cause);
      if (state != null && now - state[0] < intervalMillis) {
        state[1]++;
        return;
      }
      suppressed = state == null ? 0 : state[1];
      lastAndSuppressed.put(cause, new long[] {now, 0});
    }
    if (suppressed > 0) {
      log.warn("{} ({} similar warnings suppressed since the previous one)", message, suppressed);
    } else {
      log.warn(message);
    }
  }
}
