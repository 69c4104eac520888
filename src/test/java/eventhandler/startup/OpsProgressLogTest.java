package eventhandler.startup;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import eventhandler.pipeline.ExportMetrics;
import eventhandler.pipeline.delivery.DeliveredBatch;
import eventhandler.sink.DeadLetterFile;
import eventhandler.sink.DeliveryReport;
import eventhandler.testing.CapturedLogs;
import eventhandler.testing.TestClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The once-a-minute progress line, the catching-up estimate and the falling-behind warning. */
class OpsProgressLogTest {
  private static final Instant NOW = Instant.parse("2026-01-10T00:00:00Z");

  private final TestClock clock = new TestClock(NOW);
  private final ExportMetrics metrics = new ExportMetrics(new SimpleMeterRegistry(), clock);
  private final AtomicInteger inFlight = new AtomicInteger();
  private final ProgressLog progress = new ProgressLog(metrics, inFlight::get, clock);
  private final CapturedLogs logs = CapturedLogs.of(ProgressLog.class.getName());

  @AfterEach
  void releaseLogs() {
    logs.close();
  }

  @Test
  void showsTheDeadLettersOfThisRunAndTheirFile(@TempDir Path dir) throws Exception {
    DeadLetterFile deadLetters = new DeadLetterFile(dir.resolve("dead-letter.jsonl"), clock);
    ProgressLog withFile = new ProgressLog(metrics, inFlight::get, clock, deadLetters);
    clock.advance(Duration.ofMinutes(1));
    withFile.log();
    deadLetters.append("fluentd refused the event", Map.of("status", 400), "{}");
    deadLetters.append("fluentd refused the event", Map.of("status", 400), "{}");
    clock.advance(Duration.ofMinutes(1));
    withFile.log();
    assertThat(logs.messagesAt(Level.INFO).get(0)).doesNotContain("dead letter");
    assertThat(logs.messagesAt(Level.INFO).get(1))
        .endsWith("; 2 dead letters this run in " + dir.resolve("dead-letter.jsonl"));
  }

  @Test
  void whileCatchingUpShowsRatePositionAndTimeLeft() {
    Instant position = NOW.minus(Duration.ofDays(10));
    metrics.caughtUp(false);
    for (int minute = 1; minute <= 2; minute++) {
      position = position.plus(Duration.ofHours(2));
      deliverAudit(6_000, position);
      metrics.sessionStarted();
      metrics.sessionFinished();
      clock.advance(Duration.ofMinutes(1));
      progress.log();
    }

    assertThat(logs.messagesAt(Level.INFO))
        .containsExactly(
            "progress: 6000 audit events/min, 0 session events/min, 1 sessions/min; 6000 audit"
                + " events and 0 session events exported in all; behind now by 9d22h",
            "catching up: 100 events/s, at 2025-12-31T02:00:00Z, time left: estimating",
            "progress: 6000 audit events/min, 0 session events/min, 1 sessions/min; 12000 audit"
                + " events and 0 session events exported in all; behind now by 9d20h",
            // Two hours of history per minute gains 119 s on now each second:
            // 236h02m behind / 119 = 1h59m.
            "catching up: 100 events/s, at 2025-12-31T04:00:00Z, about 119m left");
    assertThat(logs.messagesAt(Level.WARN)).isEmpty();
  }

  @Test
  void oncePositionStopsAdvancingTheTimeLeftIsUnknownAndAfterThreeMinutesItWarns() {
    deliverAudit(10, NOW.minus(Duration.ofHours(1)));
    metrics.caughtUp(false);
    for (int minute = 1; minute <= 3; minute++) {
      clock.advance(Duration.ofMinutes(1));
      progress.log();
    }
    assertThat(logs.messagesAt(Level.INFO))
        .contains(
            "catching up: 0 events/s, at 2026-01-09T23:00:00Z, time left: unknown (not"
                + " gaining on the backlog)");
    assertThat(logs.messagesAt(Level.WARN)).isEmpty();

    clock.advance(Duration.ofMinutes(1));
    progress.log();
    assertThat(logs.messagesAt(Level.WARN))
        .containsExactly(
            "the export is falling behind: it is 64m behind now and the gap has grown for 3"
                + " minutes (check Fluentd's and Teleport's health, or raise --concurrency)");
  }

  @Test
  void aQuietClusterIsNotFallingBehind() {
    deliverAudit(10, NOW.minus(Duration.ofHours(1)));
    metrics.caughtUp(true);
    for (int minute = 1; minute <= 5; minute++) {
      clock.advance(Duration.ofMinutes(1));
      progress.log();
    }
    assertThat(logs.messagesAt(Level.WARN)).isEmpty();
    assertThat(logs.messagesAt(Level.INFO)).noneMatch(line -> line.startsWith("catching up"));
    assertThat(logs.messagesAt(Level.INFO).get(4))
        .isEqualTo(
            "progress: 0 audit events/min, 0 session events/min, 0 sessions/min; 10 audit events"
                + " and 0 session events exported in all; behind now by 65m");
  }

  @Test
  void caughtUpReaderWithBatchesStuckAtFluentdIsFallingBehind() {
    deliverAudit(10, NOW.minus(Duration.ofHours(1)));
    metrics.caughtUp(true);
    inFlight.set(2);
    for (int minute = 1; minute <= 4; minute++) {
      clock.advance(Duration.ofMinutes(1));
      progress.log();
    }
    assertThat(logs.messagesAt(Level.WARN)).hasSize(1);
  }

  @Test
  void beforeTheFirstEventItSaysSo() {
    clock.advance(Duration.ofMinutes(1));
    progress.log();
    assertThat(logs.messagesAt(Level.INFO))
        .containsExactly(
            "progress: 0 audit events/min, 0 session events/min, 0 sessions/min; 0 audit events"
                + " and 0 session events exported in all; no event exported yet");
  }

  private void deliverAudit(int events, Instant newest) {
    metrics.auditDelivered(
        new DeliveredBatch(new DeliveryReport(events, 0, 1, 0), newest, Duration.ofMillis(5)));
  }
}
