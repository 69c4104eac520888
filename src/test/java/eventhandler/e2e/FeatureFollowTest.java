package eventhandler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventhandler.sim.SimulatedClusterBuilder;
import eventhandler.testing.BackgroundStart;
import eventhandler.testing.E2eRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --exit-on-last-event} ends the program once everything, recordings included, is delivered;
 * without it the program keeps polling and exports events that appear while it runs.
 */
class FeatureFollowTest {
  @TempDir Path dir;

  private static SimulatedClusterBuilder cluster() {
    return E2eRun.clusterWithHistory(Duration.ofDays(2))
        .seed(31)
        .events(300)
        .sessionShare(0.05)
        .recordingLength(10, 40)
        .chunkSize(50);
  }

  @Test
  void exitOnLastEventWaitsForSlowRecordingDeliveries() throws Exception {
    try (E2eRun run = E2eRun.start(dir, cluster().build())) {
      // Each request takes a while: recordings are still being delivered when the audit export
      // is done, and the exit must wait for them.
      run.receiver().latency(Duration.ofMillis(40));
      BackgroundStart.Result result =
          run.run("--exit-on-last-event=true", "--fluentd-batch-size=4", "--concurrency=2");

      assertThat(result.exitCode()).as(result.err()).isZero();
      assertThat(run.receivedAuditUids())
          .containsExactlyInAnyOrderElementsOf(run.expectedAuditUids());
      FeatureExportModesTest.assertEveryRecordingArrived(run);
      // Nothing is left to resume.
      assertThat(run.stateDir()).isDirectoryNotContaining("glob:**/session*");
    }
  }

  @ParameterizedTest(name = "bulk export: {0}")
  @ValueSource(booleans = {true, false})
  void withoutExitOnLastEventNewEventsArriveAfterThePoll(boolean bulkExport) throws Exception {
    try (E2eRun run = E2eRun.start(dir, cluster().bulkExport(bulkExport).build())) {
      BackgroundStart running = run.launch("--timeout=1s", "--bulk-poll-interval=1s");
      List<String> history = run.expectedAuditUids();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> run.receivedAuditUids().size() >= history.size());

      run.cluster().appendLiveEvents(25);
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> run.receivedAuditUids().size() >= history.size() + 25);
      run.cluster().appendLiveEvents(10);
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> run.receivedAuditUids().size() >= history.size() + 35);
      assertThat(running.isDone()).as("start keeps running without --exit-on-last-event").isFalse();

      BackgroundStart.Result result = running.stop();

      assertThat(result.exitCode()).as(result.err()).isZero();
      assertThat(run.receivedAuditUids())
          .containsExactlyInAnyOrderElementsOf(run.expectedAuditUids());
      assertThat(run.expectedAuditUids()).hasSize(history.size() + 35);
    }
  }
}
