package eventhandler.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import eventhandler.sim.SimulatedClusterBuilder;
import eventhandler.sim.auth.ReceivedCall;
import eventhandler.sim.data.Rpc;
import eventhandler.testing.BackgroundStart;
import eventhandler.testing.E2eRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every event arrives, through bulk export and through search paging (the fallback). */
class FeatureExportModesTest {
  @TempDir Path dir;

  private static SimulatedClusterBuilder cluster() {
    return E2eRun.clusterWithHistory(Duration.ofDays(3))
        .seed(7)
        .events(600)
        .sessionShare(0.02)
        .recordingLength(5, 25)
        .chunkSize(40);
  }

  @Test
  void bulkExportDeliversEveryAuditEventAndRecording() throws Exception {
    try (E2eRun run = E2eRun.start(dir, cluster().build())) {
      BackgroundStart.Result result = run.run("--exit-on-last-event=true");

      assertThat(result.exitCode()).as(result.err()).isZero();
      assertThat(run.receivedAuditUids())
          .containsExactlyInAnyOrderElementsOf(run.expectedAuditUids());
      assertEveryRecordingArrived(run);
      List<String> methods = methods(run);
      assertThat(methods).contains(Rpc.EXPORT_UNSTRUCTURED_EVENTS.fullMethodName());
      assertThat(methods).doesNotContain(Rpc.GET_UNSTRUCTURED_EVENTS.fullMethodName());
      assertThat(run.stateDir().resolve("cursor_v2")).isDirectory();
    }
  }

  @Test
  void searchPagingAcrossWindowsAndPagesDeliversEveryEventWhenBulkExportIsMissing()
      throws Exception {
    try (E2eRun run = E2eRun.start(dir, cluster().bulkExport(false).build())) {
      // 3 days in 6-hour windows (13 windows) of pages of 17 events (at least 36 pages).
      BackgroundStart.Result result =
          run.run("--exit-on-last-event=true", "--window-size=6h", "--batch=17");

      assertThat(result.exitCode()).as(result.err()).isZero();
      assertThat(run.receivedAuditUids())
          .containsExactlyInAnyOrderElementsOf(run.expectedAuditUids());
      assertEveryRecordingArrived(run);
      long searches =
          methods(run).stream()
              .filter(Rpc.GET_UNSTRUCTURED_EVENTS.fullMethodName()::equals)
              .count();
      assertThat(searches).isGreaterThanOrEqualTo(600 / 17 + 12);
      assertThat(methods(run)).doesNotContain(Rpc.EXPORT_UNSTRUCTURED_EVENTS.fullMethodName());
      // The saved position is in the last window, not the first.
      Instant window = Instant.parse(Files.readString(run.stateDir().resolve("window_time")));
      assertThat(window).isAfter(run.cluster().to().minus(Duration.ofHours(7)));
      assertThat(run.stateDir().resolve("cursor_v2")).doesNotExist();
    }
  }

  static void assertEveryRecordingArrived(E2eRun run) {
    List<String> sessions = run.cluster().sessionIds();
    assertThat(sessions).isNotEmpty();
    for (String sid : sessions) {
      assertThat(E2eRun.indexes(run.receivedSessionEvents(sid)))
          .as("recording of session %s, print events skipped, in order", sid)
          .containsExactlyElementsOf(
              run.expectedSessionIndexes(sid, event -> !event.getType().equals("print")));
    }
  }

  private static List<String> methods(E2eRun run) {
    return run.cluster().receivedCalls().stream().map(ReceivedCall::method).toList();
  }
}
