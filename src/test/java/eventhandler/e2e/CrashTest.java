package eventhandler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventhandler.sim.SimulatedCluster;
import eventhandler.testing.Arrivals;
import eventhandler.testing.ChildStart;
import eventhandler.testing.E2eRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code start} as a real process, killed with SIGKILL at random moments several times in a row,
 * then run to the end: every event arrives; what arrives twice is bounded by what was in flight or
 * not yet checkpointed at each kill. The export reads several bulk export chunks at once, so each
 * kill finds several chunk streams open, each chunk with its own cursor.
 */
class CrashTest {
  private static final int KILLS = 4;
  private static final Duration CHECKPOINT_SLACK = Duration.ofMillis(1000);

  // Always removed, on failure too: it holds private keys, and a failing test prints the
  // child logs and deliveries it needs in its messages.
  @TempDir Path dir;

  @Test
  void killedSeveralTimesThenRunToTheEndLosesNothing() throws Exception {
    // Chunks of 500 events: several chunks in flight at each kill.
    killSeveralTimesThenRunToTheEnd(
        SimulatedCluster.builder()
            .seed(31)
            .events(30_000)
            .chunkSize(500)
            .sessionShare(0.01)
            .build(),
        List.of("--audit-read-concurrency=4"),
        CrashTest::chunksInProgress);
  }

  /**
   * The search path catching up with four windows in flight, each with its own cursor, killed while
   * windows ahead of the Go files' prefix are part delivered: the side file brings each window back
   * to its own checkpoint, so the bound is the same as with one reader.
   */
  @Test
  void searchCatchUpKilledWithSeveralWindowsInFlightLosesNothing() throws Exception {
    killSeveralTimesThenRunToTheEnd(
        SimulatedCluster.builder()
            .seed(32)
            .events(30_000)
            .sessionShare(0.01)
            .bulkExport(false)
            .build(),
        List.of("--audit-read-concurrency=4"),
        CrashTest::windowsInProgress);
  }

  /** How many chunks or windows a state directory holds part way. */
  interface PartWay {
    int count(Path stateDir) throws IOException;
  }

  private void killSeveralTimesThenRunToTheEnd(
      SimulatedCluster cluster, List<String> flags, PartWay partWay) throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    try (E2eRun run = E2eRun.start(dir, cluster);
        Arrivals arrivals = run.sampleArrivals()) {
      // Slow Fluentd down (about 2,000 events/s) so each run is killed part way, well after its
      // first checkpoints, rather than after the end.
      run.receiver().latency(Duration.ofMillis(50));
      List<String> kills = new ArrayList<>();
      Arrivals.Counts unsaved = new Arrivals.Counts(0, 0);
      long sessionEventsAtRisk = 0;
      int mostPartialAtAKill = 0;
      for (int i = 0; i < KILLS; i++) {
        long before = run.receiver().totalRecords();
        long progress = 1_000 + random.nextInt(3_000);
        List<String> arguments =
            new ArrayList<>(
                List.of(
                    "--timeout=1s",
                    "--batch=200",
                    "--fluentd-batch-size=50",
                    "--fluentd-max-connections=2"));
        arguments.addAll(flags);
        try (ChildStart child = run.startChild(arguments.toArray(String[]::new))) {
          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> run.receiver().totalRecords() >= before + progress || !child.alive());
          assertThat(child.alive()).as("child output:\n%s", child.output()).isTrue();
          // What arrived since the last checkpoint (every 0.5 s) may arrive again; the window is
          // wider so a checkpoint write delayed on a loaded machine stays within it.
          Arrivals.Counts recent = arrivals.within(CHECKPOINT_SLACK);
          child.kill();
          assertThat(child.awaitExit(Duration.ofSeconds(10))).isEqualTo(137);
          int partial = partWay.count(run.stateDir());
          mostPartialAtAKill = Math.max(mostPartialAtAKill, partial);
          recent = recent.plus(arrivals.within(Duration.ZERO)); // answers read before the kill
          unsaved = unsaved.plus(recent);
          sessionEventsAtRisk += run.sessionEventsAtRisk(recent.audit());
          kills.add(
              String.format(
                  "pid %d after %d records (%d in the last %d ms, %d chunks part way)",
                  child.pid(), progress, recent.total(), CHECKPOINT_SLACK.toMillis(), partial));
        }
      }
      assertThat(mostPartialAtAKill)
          .as("chunks saved part way at a kill: %s", kills)
          .isGreaterThan(1);
      DeliveryCheck beforeLastRun = DeliveryCheck.of(run);
      assertThat(beforeLastRun.complete())
          .as("the kills came too late: %s", beforeLastRun)
          .isFalse();

      run.receiver().latency(Duration.ZERO);
      List<String> lastArguments =
          new ArrayList<>(List.of("--batch=200", "--exit-on-last-event=true"));
      lastArguments.addAll(flags);
      try (ChildStart last = run.startChild(lastArguments.toArray(String[]::new))) {
        ChildStart.assertExit(last, last.awaitExit(Duration.ofSeconds(60)), 0);
      }
      DeliveryCheck check = DeliveryCheck.of(run);
      System.out.printf(
          "crash (seed %d): kills %s; bounds: %d audit, %d + %d session; in all %s%n",
          seed, kills, unsaved.audit(), unsaved.session(), sessionEventsAtRisk, check);
      check.assertNothingMissing();
      assertThat(check.auditDuplicates())
          .as("audit events sent again: at most those that arrived shortly before a kill")
          .isLessThanOrEqualTo(unsaved.audit());
      assertThat(check.sessionDuplicates())
          .as(
              "session events sent again: at most those that arrived shortly before a kill, and"
                  + " those of recordings whose upload event was not saved at a kill")
          .isLessThanOrEqualTo(unsaved.session() + sessionEventsAtRisk);
    }
  }

  /** Chunks with a saved cursor and not completed, in the Go plugin's {@code cursor_v2} files. */
  /** Windows of the search catch-up saved part way (a cursor or an id) in windows_ahead. */
  private static int windowsInProgress(Path stateDir) throws IOException {
    Path file = stateDir.resolve("windows_ahead");
    if (!Files.exists(file)) {
      return 0;
    }
    return (int)
        Files.readAllLines(file).stream()
            .filter(line -> line.startsWith("window ") && line.contains(" at "))
            .filter(line -> !line.endsWith(" at - -"))
            .count();
  }

  private static int chunksInProgress(Path stateDir) throws IOException {
    Path days = stateDir.resolve("cursor_v2");
    if (!Files.isDirectory(days)) {
      return 0;
    }
    int partial = 0;
    try (Stream<Path> dayDirs = Files.list(days)) {
      for (Path day : dayDirs.toList()) {
        Path completedFile = day.resolve("completed-chunks");
        Set<String> completed =
            Files.exists(completedFile) ? Set.copyOf(Files.readAllLines(completedFile)) : Set.of();
        try (Stream<Path> files = Files.list(day)) {
          partial +=
              (int)
                  files
                      .map(f -> f.getFileName().toString())
                      .filter(n -> n.endsWith(".chunk"))
                      .filter(n -> !completed.contains(n.substring(0, n.length() - 6)))
                      .count();
        }
      }
    }
    return partial;
  }
}
