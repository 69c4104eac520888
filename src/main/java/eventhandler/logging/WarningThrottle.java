package eventhandler.logging;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;

/**
 * Logs a warning at most once per interval for each cause, and says how many similar warnings were
 * held back since, so an outage lasting hours gives a few lines instead of flooding the journal.
 * Thread-safe.
 */
public final class WarningThrottle {
  private final Logger log;
  private final Clock clock;
  private final long intervalMillis;
  private final int burst;
  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

  /** What was last logged for one cause. Guarded by its own monitor. */
  private static final class Window {
    long windowStartMillis;
    int loggedInWindow;
    long suppressed;
  }

  public WarningThrottle(Logger log, Clock clock, Duration interval) {
    this(log, clock, interval, 1);
  }

  /**
   * Up to {@code burst} warnings per interval for each cause: for warnings about single events,
   * where the first few each name their event and a flood is summed up.
   */
  public WarningThrottle(Logger log, Clock clock, Duration interval, int burst) {
    this.log = log;
    this.clock = clock;
    this.intervalMillis = interval.toMillis();
    this.burst = burst;
  }

  /** Logs {@code message} at WARN unless {@code cause} was logged often enough this interval. */
  public void warn(String cause, String message) {
    long now = clock.millis();
    Window window = windows.computeIfAbsent(cause, c -> new Window());
    long suppressed;
    synchronized (window) {
      if (window.loggedInWindow == 0 || now - window.windowStartMillis >= intervalMillis) {
        window.windowStartMillis = now;
        window.loggedInWindow = 0;
      }
      if (window.loggedInWindow >= burst) {
        window.suppressed++;
        return;
      }
      suppressed = window.suppressed;
      window.loggedInWindow++;
      window.suppressed = 0;
    }
    if (suppressed > 0) {
      log.warn("{} ({} similar warnings suppressed since the previous one)", message, suppressed);
    } else {
      log.warn(message);
    }
  }
}
