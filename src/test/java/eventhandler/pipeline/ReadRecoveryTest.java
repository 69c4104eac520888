package eventhandler.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import eventhandler.testing.CapturedLogs;
import eventhandler.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReadRecoveryTest {
  @Test
  void saysOnceThatReadsWorkAgainAfterAnOutage() {
    TestClock clock = new TestClock(Instant.parse("2025-11-03T08:00:00Z"));
    ReadRecovery recovery = new ReadRecovery(clock);
    try (CapturedLogs log = CapturedLogs.of(ReadRecovery.class.getName())) {
      recovery.succeeded(); // nothing failed yet: nothing to say
      recovery.failed();
      clock.advance(Duration.ofSeconds(40));
      recovery.failed();
      clock.advance(Duration.ofSeconds(32));
      recovery.succeeded();
      recovery.succeeded();

      assertThat(log.messagesAt(Level.INFO))
          .containsExactly(
              "reading audit events from Teleport works again, after 2 failed reads over 1m12s");
    }
  }

  @Test
  void oneFailedReadIsSingular() {
    TestClock clock = new TestClock(Instant.parse("2025-11-03T08:00:00Z"));
    ReadRecovery recovery = new ReadRecovery(clock);
    try (CapturedLogs log = CapturedLogs.of(ReadRecovery.class.getName())) {
      recovery.failed();
      clock.advance(Duration.ofSeconds(2));
      recovery.succeeded();

      assertThat(log.messagesAt(Level.INFO))
          .containsExactly(
              "reading audit events from Teleport works again, after 1 failed read over 2s");
    }
  }
}
