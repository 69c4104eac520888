package eventhandler.pipeline;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs a repeating error at most once per interval per kind, with how many were suppressed, so an
 * outage lasting hours is visible without flooding the journal.
 */
final class RateLimitedLog {
  private final Logger log;
  private final Clock clock;
  private final Duration interval;
  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

  private static final class Window {
    volatile long lastLoggedMillis = Long.MIN_VALUE;
    final AtomicLong suppressed = new AtomicLong();
  }

  RateLimitedLog(Logger log, Clock clock, Duration interval) {
    this.log = log;
    this.clock = clock;
    this.interval = interval;
  }

  void warn(String kind, String message) {
    Window window = windows.computeIfAbsent(kind, k -> new Window());
    long now = clock.millis();
    synchronized (window) {
      if (window.lastLoggedMillis != Long.MIN_VALUE
          && now - window.lastLoggedMillis < interval.toMillis()) {
        window.suppressed.incrementAndGet();
        return;
      }
      window.lastLoggedMillis = now;
    }
    long suppressed = window.suppressed.getAndSet(0);
    if (suppressed > 0) {
      log.warn("{} ({} similar messages suppressed)", message, suppressed);
    } else {
      log.warn(message);
    }
  }
}
