package eventhandler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import eventhandler.sim.SimulatedCluster;
import eventhandler.sim.data.Faults;
import eventhandler.sim.data.Rpc;
import eventhandler.testing.BackgroundStart;
import eventhandler.testing.CapturedLogs;
import eventhandler.testing.E2eRun;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Teleport fails part way through the export: calls answer UNAVAILABLE, streams are cut, every
 * connection is dropped. The export resumes each stream where its delivery stood: every event
 * arrives once.
 */
class DeliveryThroughTeleportOutageTest {
  // Always removed, on failure too: it holds private keys, and a failing test prints the
  // child logs and deliveries it needs in its messages.
  @TempDir Path dir;

  @ParameterizedTest(name = "bulk export: {0}")
  @ValueSource(booleans = {true, false})
  void resumesAfterTeleportFailuresWithoutLossOrRepeats(boolean bulkExport) throws Exception {
    SimulatedCluster cluster =
        SimulatedCluster.builder()
            .seed(61)
            .events(6_000)
            .sessionShare(0.01)
            .bulkExport(bulkExport)
            .build();
    try (E2eRun run = E2eRun.start(dir, cluster);
        CapturedLogs recovery = CapturedLogs.of("eventhandler.pipeline.ReadRecovery")) {
      run.receiver().latency(Duration.ofMillis(5));
      // The caught-up bulk path lists chunks every --bulk-poll-interval (16 s by default).
      BackgroundStart export = run.launch("--timeout=1s", "--bulk-poll-interval=1s", "--batch=100");
      await().atMost(Duration.ofSeconds(30)).until(() -> run.receiver().totalRecords() >= 1_500);

      long callsBefore = cluster.receivedCalls().size();
      cluster
          .faults()
          .failNextCalls(Rpc.EXPORT_UNSTRUCTURED_EVENTS, 2)
          .failNextCalls(Rpc.GET_EVENT_EXPORT_CHUNKS, 2)
          .failNextCalls(Rpc.GET_UNSTRUCTURED_EVENTS, 2)
          .failNextCalls(Rpc.STREAM_SESSION_EVENTS, 1)
          .cutNextStream(Rpc.EXPORT_UNSTRUCTURED_EVENTS, 30, Faults.StreamCut.UNAVAILABLE)
          .cutNextStream(Rpc.STREAM_SESSION_EVENTS, 10, Faults.StreamCut.UNAVAILABLE);
      int dropped = cluster.dropConnections();

      await()
          .atMost(Duration.ofSeconds(45))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> DeliveryCheck.of(run).complete());
      cluster.dropConnections(); // once more when idle, to see it reconnect for the next poll
      long callsAfterDrop = cluster.receivedCalls().size();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> cluster.receivedCalls().size() > callsAfterDrop);
      assertThat(export.isDone()).isFalse();
      assertThat(export.stop(Duration.ofSeconds(15)).exitCode()).isZero();
      // The outage's warnings are throttled; one line says that it ended.
      assertThat(recovery.messagesAt(Level.INFO))
          .anyMatch(line -> line.startsWith("reading audit events from Teleport works again"));

      DeliveryCheck check = DeliveryCheck.of(run).assertExactlyOnce();
      System.out.printf(
          "teleport outage (bulk %s): %d connections dropped, %d calls after the faults; %s%n",
          bulkExport, dropped, cluster.receivedCalls().size() - callsBefore, check);
    }
  }
}
