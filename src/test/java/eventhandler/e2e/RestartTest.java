package eventhandler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventhandler.sim.SimulatedCluster;
import eventhandler.testing.BackgroundStart;
import eventhandler.testing.E2eRun;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A graceful stop part way (SIGTERM's path) and a second run with the same storage: nothing is
 * missing, and since every batch in flight at the stop settles before the checkpoint is written,
 * nothing arrives twice.
 */
class RestartTest {
  // Always removed, on failure too: it holds private keys, and a failing test prints the
  // child logs and deliveries it needs in its messages.
  @TempDir Path dir;

  @ParameterizedTest(name = "bulk export: {0}")
  @ValueSource(booleans = {true, false})
  void restartAfterAGracefulStopLosesNothingAndRepeatsNothing(boolean bulkExport) throws Exception {
    SimulatedCluster cluster =
        SimulatedCluster.builder()
            .seed(21)
            .events(10_000)
            .sessionShare(0.01)
            .bulkExport(bulkExport)
            .build();
    try (E2eRun run = E2eRun.start(dir, cluster)) {
      // Slow Fluentd a little so the stop lands while batches are in flight.
      run.receiver().latency(Duration.ofMillis(5));
      BackgroundStart first = run.launch("--timeout=1s", "--batch=200");
      await().atMost(Duration.ofSeconds(30)).until(() -> run.receiver().totalRecords() >= 4_000);
      assertThat(first.stop(Duration.ofSeconds(15)).exitCode()).isZero();
      DeliveryCheck afterStop = DeliveryCheck.of(run);
      assertThat(afterStop.complete()).as("the stop came too late: %s", afterStop).isFalse();
      assertThat(afterStop.duplicates()).isZero();

      run.receiver().latency(Duration.ZERO);
      assertThat(run.runToEnd(Duration.ofSeconds(60), "--batch=200")).isZero();
      DeliveryCheck check = DeliveryCheck.of(run);
      System.out.printf(
          "restart (bulk %s): first run %d audit + %d session records; in all %s%n",
          bulkExport, afterStop.receivedAudit(), afterStop.receivedSession(), check);
      check.assertExactlyOnce();
    }
  }
}
