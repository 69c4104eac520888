package eventhandler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventhandler.sim.SimulatedCluster;
import eventhandler.testing.Arrivals;
import eventhandler.testing.ChildStart;
import eventhandler.testing.E2eRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM on {@code start} running as a process: it settles its batches, writes the checkpoint and
 * exits 0 promptly, even while Fluentd is failing; the next run resumes where it stood.
 */
class RestartAfterSigtermTest {
  // Always removed, on failure too: it holds private keys, and a failing test prints the
  // child logs and deliveries it needs in its messages.
  @TempDir Path dir;

  @Test
  void sigtermExitsZeroPromptlyAndTheNextRunResumesWithoutLoss() throws Exception {
    SimulatedCluster cluster =
        SimulatedCluster.builder().seed(71).events(10_000).sessionShare(0.01).build();
    try (E2eRun run = E2eRun.start(dir, cluster);
        Arrivals arrivals = run.sampleArrivals()) {
      var receiver = run.receiver();

      // 1. A healthy Fluentd: every batch settles, the checkpoint covers all that arrived.
      receiver.latency(Duration.ofMillis(20));
      try (ChildStart child = run.startChild("--timeout=1s", "--batch=200")) {
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> receiver.totalRecords() >= 2_000 || !child.alive());
        long millis = terminate(child, Duration.ofSeconds(15));
        assertThat(child.output()).contains("SIGTERM");
        System.out.printf("sigterm: exit 0 after %d ms%n", millis);
        assertThat(millis).as("time from SIGTERM to exit").isLessThan(5_000);
      }
      DeliveryCheck afterStop = DeliveryCheck.of(run);
      System.out.printf("sigterm: after the stop %s%n", afterStop);
      assertThat(afterStop.complete()).as("SIGTERM came too late: %s", afterStop).isFalse();
      assertThat(afterStop.duplicates()).isZero();
      assertThat(checkpointFiles(run)).as("checkpoint files").isNotEmpty();

      // 2. The next run resumes; Fluentd fails part way and SIGTERM comes during the outage.
      long before = receiver.totalRecords();
      Arrivals.Counts unsaved;
      long sessionEventsAtRisk;
      try (ChildStart child = run.startChild("--timeout=1s", "--batch=200")) {
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> receiver.totalRecords() >= before + 1_000 || !child.alive());
        long outageStarted = System.nanoTime();
        receiver.failAllRequests(503);
        long failures = receiver.responses(503);
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.responses(503) > failures + 3);
        // Batches delivered just before the outage may follow one that never was: the
        // checkpoint cannot pass them, so they may be sent again, and so may the recordings of
        // the upload events among them.
        unsaved =
            arrivals.within(
                Duration.ofNanos(System.nanoTime() - outageStarted).plus(Duration.ofSeconds(1)));
        sessionEventsAtRisk = run.sessionEventsAtRisk(unsaved.audit());
        long millis = terminate(child, Duration.ofSeconds(30));
        System.out.printf("sigterm during a Fluentd outage: exit 0 after %d ms%n", millis);
        // Batches in flight get a grace period of 10 s, then the checkpoint is written.
        assertThat(millis).as("time from SIGTERM to exit").isLessThan(15_000);
      }

      // 3. Fluentd is well again: a run to the end.
      receiver.clearFaults();
      receiver.latency(Duration.ZERO);
      assertThat(run.runToEnd(Duration.ofSeconds(60))).isZero();
      DeliveryCheck check = DeliveryCheck.of(run);
      System.out.printf(
          "sigterm twice, then a run to the end: bounds %d audit, %d + %d session; %s%n",
          unsaved.audit(), unsaved.session(), sessionEventsAtRisk, check);
      check.assertNothingMissing();
      assertThat(check.auditDuplicates()).isLessThanOrEqualTo(unsaved.audit());
      assertThat(check.sessionDuplicates())
          .as("session events sent again: those of recordings whose upload event was not saved")
          .isLessThanOrEqualTo(unsaved.session() + sessionEventsAtRisk);
    }
  }

  /** Sends SIGTERM, expects exit code 0, returns how long the exit took in milliseconds. */
  private static long terminate(ChildStart child, Duration bound) {
    long sent = System.nanoTime();
    child.terminate();
    int code = child.awaitExit(bound);
    long millis = Duration.ofNanos(System.nanoTime() - sent).toMillis();
    ChildStart.assertExit(child, code, 0);
    return millis;
  }

  private static List<Path> checkpointFiles(E2eRun run) throws Exception {
    try (Stream<Path> files = Files.walk(run.stateDir())) {
      return files
          .filter(Files::isRegularFile)
          .filter(
              f -> {
                String name = f.getFileName().toString();
                return name.endsWith(".chunk") || name.equals("completed-chunks");
              })
          .toList();
    }
  }
}
