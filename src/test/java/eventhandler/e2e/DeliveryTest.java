package eventhandler.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import eventhandler.sim.SimulatedCluster;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code start} delivers every event once, exactly as Teleport has it, to the right URL. */
class DeliveryTest {
  @TempDir Path dir;

  @Test
  void bulkExportDeliversEveryEventOnceAndEachRecordingInOrder() throws Exception {
    SimulatedCluster cluster = SimulatedCluster.builder().seed(11).events(10_000).build();
    try (E2eRun run = E2eRun.start(dir, cluster)) {
      long started = System.nanoTime();
      assertThat(run.runToEnd(Duration.ofSeconds(60))).isZero();
      System.out.printf(
          "bulk export: %s in %d ms%n",
          run.check(), Duration.ofNanos(System.nanoTime() - started).toMillis());
      DeliveryCheck check = run.check().assertExactlyOnce();
      assertThat(check.expectedAudit()).isEqualTo(10_000);
      assertThat(check.expectedSession()).isPositive();
    }
  }
}
