package eventhandler.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import eventhandler.sim.SimulatedCluster;
import eventhandler.teleport.proto.auditlog.EventUnstructured;
import eventhandler.testing.BackgroundStart;
import eventhandler.testing.CapturedLogs;
import eventhandler.testing.E2eRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code --start-time}: nothing older is exported, and it is fixed once the export began. */
class FeatureStartTimeTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "bulk export: {0}")
  @ValueSource(booleans = {true, false})
  void eventsBeforeTheStartTimeAreNotExportedAndTheStartTimeCannotChange(boolean bulkExport)
      throws Exception {
    SimulatedCluster cluster =
        E2eRun.clusterWithHistory(Duration.ofDays(3))
            .seed(23)
            .events(400)
            .sessionShare(0.04)
            .recordingLength(4, 12)
            .chunkSize(50)
            .bulkExport(bulkExport)
            .build();
    try (E2eRun run = E2eRun.start(dir, cluster)) {
      // Part way into a day, so bulk export reads a chunk that starts before the start time.
      Instant start = cluster.from().plus(Duration.ofHours(31)).truncatedTo(ChronoUnit.SECONDS);
      String startFlag = "--start-time=" + start;

      BackgroundStart.Result first;
      try (CapturedLogs log = CapturedLogs.of("eventhandler.startup.ExportService")) {
        first = run.run("--exit-on-last-event=true", startFlag);
        assertThat(log.messagesAt(Level.INFO))
            .contains(
                "exporting audit events with "
                    + (bulkExport ? "bulk export" : "search")
                    + " from "
                    + start);
      }

      assertThat(first.exitCode()).as(first.err()).isZero();
      List<String> expected = run.expectedAuditUids(event -> !timeOf(event).isBefore(start));
      assertThat(expected).hasSizeBetween(200, 300);
      assertThat(run.receivedAuditUids()).containsExactlyInAnyOrderElementsOf(expected);
      // Recordings announced before the start time are not exported either.
      Set<String> sessionsAfterStart =
          cluster
              .expectedAuditEvents()
              .filter(e -> e.getType().equals("session.upload") && !timeOf(e).isBefore(start))
              .map(e -> e.getUnstructured().getFieldsOrThrow("sid").getStringValue())
              .collect(Collectors.toSet());
      assertThat(sessionsAfterStart).isNotEmpty().hasSizeLessThan(cluster.sessionIds().size());
      Set<String> sessionTags = run.receiver().recordsByTag().keySet();
      for (String sid : cluster.sessionIds()) {
        assertThat(sessionTags.contains("session." + sid + ".log"))
            .as("recording of %s exported", sid)
            .isEqualTo(sessionsAfterStart.contains(sid));
      }
      assertThat(Files.readString(run.stateDir().resolve("start_time")))
          .isEqualTo(start.toString());

      // Another start time on the same storage: refused, with how to start over.
      long received = run.receiver().totalRecords();
      BackgroundStart.Result conflicting =
          run.run("--exit-on-last-event=true", "--start-time=" + start.plusSeconds(3600));

      assertThat(conflicting.exitCode()).isEqualTo(2);
      assertThat(conflicting.err())
          .contains("--start-time")
          .contains(start.toString())
          .contains("remove " + run.stateDir());
      assertThat(conflicting.err()).doesNotContain("\tat ");
      assertThat(run.receiver().totalRecords()).isEqualTo(received);

      // The same start time resumes where the first run stopped: nothing is sent again.
      cluster.appendLiveEvents(5);
      BackgroundStart.Result same;
      try (CapturedLogs log = CapturedLogs.of("eventhandler.startup.ExportService")) {
        same = run.run("--exit-on-last-event=true", startFlag);
        // A restart names the point it resumes from, not the first run's start time.
        assertThat(log.messagesAt(Level.INFO))
            .anyMatch(
                line ->
                    line.startsWith(
                            "exporting audit events with "
                                + (bulkExport ? "bulk export, resuming on " : "search, resuming"))
                        && line.endsWith("(the export started at " + start + ")"));
      }

      assertThat(same.exitCode()).as(same.err()).isZero();
      assertThat(run.receivedAuditUids())
          .containsExactlyInAnyOrderElementsOf(
              run.expectedAuditUids(event -> !timeOf(event).isBefore(start)));
    }
  }

  private static Instant timeOf(EventUnstructured event) {
    return Instant.ofEpochSecond(event.getTime().getSeconds(), event.getTime().getNanos());
  }
}
