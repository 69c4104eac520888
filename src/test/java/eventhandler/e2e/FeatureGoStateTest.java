package eventhandler.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import eventhandler.sim.SimulatedClusterBuilder;
import eventhandler.testing.BackgroundStart;
import eventhandler.testing.CapturedLogs;
import eventhandler.testing.E2eRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A storage directory the Go plugin left is resumed from. The fixture files are written by hand in
 * the Go plugin's layout and formats (not through this program's state code), pointing part way
 * into the simulated history.
 */
class FeatureGoStateTest {
  @TempDir Path dir;

  private static SimulatedClusterBuilder cluster() {
    return GoStateFixture.cluster();
  }

  @Test
  void resumesTheGoPluginsSearchPosition() throws Exception {
    try (E2eRun run = E2eRun.start(dir, cluster().bulkExport(false).build())) {
      // The Go plugin was in its third 6-hour window, on its second page, and had exported the
      // fifth event of that page.
      GoStateFixture fixture = GoStateFixture.searchPartWay(run);
      String start = Files.readString(run.stateDir().resolve("start_time"));

      CapturedLogs stallLogs = CapturedLogs.of("eventhandler.pipeline.audit.StallCheck");
      // Slow deliveries: reading runs ahead of delivery and catches up first.
      run.receiver().latency(Duration.ofMillis(50));
      BackgroundStart running =
          run.timings(E2eRun.QUICK_RETRIES)
              .launch(
                  "--timeout=1s",
                  "--window-size=6h",
                  "--fluentd-batch-size=5",
                  "--fluentd-max-connections=2");

      fixture.awaitExactlyResumed(run, Duration.ofSeconds(20));
      assertThat(running.stop().exitCode()).isZero();
      stallLogs.close();
      // Catching up is no stall: paging is ahead of delivery, that is all.
      assertThat(stallLogs.messages(Level.WARN)).isEmpty();
      assertThat(Files.readString(run.stateDir().resolve("start_time"))).isEqualTo(start);
    }
  }

  @Test
  void resumesTheGoPluginsBulkExportCursors() throws Exception {
    try (E2eRun run = E2eRun.start(dir, cluster().build())) {
      // Day one is done; of day two, one chunk is done and another was read 10 events far.
      GoStateFixture fixture = GoStateFixture.bulkPartWay(run);

      BackgroundStart running = run.timings(E2eRun.QUICK_RETRIES).launch("--timeout=1s");

      fixture.awaitExactlyResumed(run, Duration.ofSeconds(20));
      assertThat(running.stop().exitCode()).isZero();
      fixture.assertDayTwoCompleted();
    }
  }
}
