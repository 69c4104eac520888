package eventhandler.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import eventhandler.sim.SimulatedCluster;
import eventhandler.testing.E2eRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code start} delivers every event once, exactly as Teleport has it, to the right URL. */
class DeliveryTest {
  // Always removed, on failure too: it holds private keys, and a failing test prints the
  // child logs and deliveries it needs in its messages.
  @TempDir Path dir;

  @Test
  void bulkExportDeliversEveryEventOnceAndEachRecordingInOrder() throws Exception {
    SimulatedCluster cluster = SimulatedCluster.builder().seed(11).events(10_000).build();
    try (E2eRun run = E2eRun.start(dir, cluster)) {
      long started = System.nanoTime();
      assertThat(run.runToEnd(Duration.ofSeconds(60))).isZero();
      System.out.printf(
          "bulk export: %s in %d ms%n",
          DeliveryCheck.of(run), Duration.ofNanos(System.nanoTime() - started).toMillis());
      DeliveryCheck check = DeliveryCheck.of(run).assertExactlyOnce();
      assertThat(check.expectedAudit()).isEqualTo(10_000);
      assertThat(check.expectedSession()).isPositive();
    }
  }

  @Test
  void searchPagingDeliversEveryEventOnceWithEveryRecordingEventInOrder() throws Exception {
    SimulatedCluster cluster =
        SimulatedCluster.builder().seed(12).events(5_000).bulkExport(false).build();
    try (E2eRun run = E2eRun.start(dir, cluster)) {
      long started = System.nanoTime();
      assertThat(run.runToEnd(Duration.ofSeconds(60), "--skip-session-types=", "--batch=500"))
          .isZero();
      DeliveryCheck check =
          DeliveryCheck.of(run.cluster(), run.receiver(), Set.of()).assertExactlyOnce();
      System.out.printf(
          "search: %s in %d ms%n", check, Duration.ofNanos(System.nanoTime() - started).toMillis());
      assertThat(check.expectedSession()).isGreaterThan(5_000);
    }
  }
}
