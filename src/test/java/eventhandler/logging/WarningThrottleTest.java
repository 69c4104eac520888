package eventhandler.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import eventhandler.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class WarningThrottleTest {
  private final Logger logger = (Logger) LoggerFactory.getLogger(WarningThrottleTest.class);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final TestClock clock = new TestClock(Instant.parse("2024-05-01T00:00:00Z"));
  private final WarningThrottle throttle =
      new WarningThrottle(logger, clock, Duration.ofSeconds(30));

  @BeforeEach
  void capture() {
    appender.start();
    logger.addAppender(appender);
  }

  @AfterEach
  void release() {
    logger.detachAppender(appender);
  }

  private List<String> warnings() {
    return appender.list.stream()
        .filter(event -> event.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  @Test
  void logsACauseOncePerIntervalAndCountsWhatItHeldBack() {
    throttle.warn("search", "search failed 1");
    clock.advance(Duration.ofSeconds(10));
    throttle.warn("search", "search failed 2");
    throttle.warn("search", "search failed 3");
    assertThat(warnings()).containsExactly("search failed 1");

    clock.advance(Duration.ofSeconds(20));
    throttle.warn("search", "search failed 4");
    throttle.warn("search", "search failed 5");
    clock.advance(Duration.ofSeconds(30));
    throttle.warn("search", "search failed 6");

    assertThat(warnings())
        .containsExactly(
            "search failed 1",
            "search failed 4 (2 similar warnings suppressed since the previous one)",
            "search failed 6 (1 similar warnings suppressed since the previous one)");
  }

  @Test
  void eachCauseHasItsOwnInterval() {
    throttle.warn("search", "search failed");
    throttle.warn("checkpoint", "checkpoint failed");
    throttle.warn("search", "search failed again");

    assertThat(warnings()).containsExactly("search failed", "checkpoint failed");
  }
}
