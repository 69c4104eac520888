package eventhandler.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import eventhandler.sim.SimulatedCluster;
import eventhandler.sim.auth.ReceivedCall;
import eventhandler.sim.data.Rpc;
import eventhandler.testing.BackgroundStart;
import eventhandler.testing.E2eRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code --dry-run}: everything is read, nothing is sent, and the real position is not moved. */
class FeatureDryRunTest {
  @TempDir Path dir;

  private static SimulatedCluster cluster(boolean bulkExport) {
    return E2eRun.clusterWithHistory(Duration.ofDays(2))
        .seed(53)
        .events(300)
        .sessionShare(0.04)
        .failedLoginShare(0.3)
        .users(java.util.List.of("alice", "bob"))
        .recordingLength(5, 15)
        .chunkSize(50)
        .bulkExport(bulkExport)
        .build();
  }

  @ParameterizedTest(name = "bulk export: {0}")
  @ValueSource(booleans = {true, false})
  void readsEverythingSendsNothingAndSummarizes(boolean bulkExport) throws Exception {
    try (E2eRun run = E2eRun.start(dir, cluster(bulkExport))) {
      SimulatedCluster cluster = run.cluster();
      BackgroundStart.Result result =
          run.run(
              "--exit-on-last-event=true",
              "--dry-run=true",
              // Many failed logins, but a dry run never locks.
              "--lock-enabled=true",
              "--lock-failed-attempts-count=1");

      assertThat(result.exitCode()).as(result.err()).isZero();
      assertThat(run.receiver().requests()).isZero();
      assertThat(run.receiver().totalRecords()).isZero();
      assertThat(cluster.locks()).isEmpty();
      // Every recording was read.
      long streams =
          cluster.receivedCalls().stream()
              .map(ReceivedCall::method)
              .filter(Rpc.STREAM_SESSION_EVENTS.fullMethodName()::equals)
              .count();
      assertThat(streams).isEqualTo(cluster.sessionIds().size());
      long sessionEvents =
          cluster.sessionIds().stream()
              .mapToLong(sid -> run.expectedSessionIndexes(sid, e -> true).size())
              .sum();
      long printEvents =
          cluster.sessionIds().stream()
              .mapToLong(
                  sid -> run.expectedSessionIndexes(sid, e -> e.getType().equals("print")).size())
              .sum();
      assertThat(result.err())
          .contains("dry run:")
          .contains(cluster.auditEventCount() + " audit events")
          .contains(cluster.sessionIds().size() + " recordings")
          .contains(sessionEvents + " session events")
          .contains((sessionEvents - printEvents) + " session events would have been sent")
          .contains("nothing was sent");
      // The real state directory holds nothing but the dry run's own.
      try (Stream<Path> entries = Files.list(run.stateDir())) {
        assertThat(entries.map(p -> p.getFileName().toString())).containsExactly("dry_run");
      }
    }
  }

  @Test
  void aDryRunLeavesTheRealPositionAsItWas() throws Exception {
    try (E2eRun run = E2eRun.start(dir, cluster(true))) {
      BackgroundStart.Result real = run.run("--exit-on-last-event=true");
      assertThat(real.exitCode()).as(real.err()).isZero();
      long received = run.receiver().totalRecords();
      Map<String, String> before = snapshot(run.stateDir());
      run.cluster().appendLiveEvents(20);

      // Even another start time does not conflict: the dry run has a storage of its own.
      BackgroundStart.Result dry =
          run.run(
              "--exit-on-last-event=true",
              "--dry-run=true",
              "--start-time=" + run.cluster().from().plus(Duration.ofHours(1)));

      assertThat(dry.exitCode()).as(dry.err()).isZero();
      assertThat(snapshot(run.stateDir())).isEqualTo(before);
      assertThat(run.receiver().totalRecords()).isEqualTo(received);

      // The next real run still exports the new events, from where the real run stopped.
      BackgroundStart.Result next = run.run("--exit-on-last-event=true");
      assertThat(next.exitCode()).as(next.err()).isZero();
      assertThat(run.receivedAuditUids())
          .containsExactlyInAnyOrderElementsOf(run.expectedAuditUids());
    }
  }

  /** Every file under {@code stateDir} but the dry runs', with its content. */
  private static Map<String, String> snapshot(Path stateDir) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> tree = Files.walk(stateDir)) {
      for (Path file : tree.filter(Files::isRegularFile).toList()) {
        String name = stateDir.relativize(file).toString();
        if (!name.startsWith("dry_run")) {
          files.put(name, Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1));
        }
      }
    }
    return files;
  }
}
