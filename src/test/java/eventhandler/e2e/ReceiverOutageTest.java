package eventhandler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventhandler.sim.SimulatedCluster;
import eventhandler.testing.BackgroundStart;
import eventhandler.testing.E2eRun;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fluentd fails (HTTP 500), then refuses connections, part way through the export: the export waits
 * it out without exiting, then delivers everything, once.
 */
class ReceiverOutageTest {
  // Always removed, on failure too: it holds private keys, and a failing test prints the
  // child logs and deliveries it needs in its messages.
  @TempDir Path dir;

  @Test
  void waitsOutFailuresAndRefusedConnectionsThenDeliversEverythingOnce() throws Exception {
    SimulatedCluster cluster =
        SimulatedCluster.builder().seed(41).events(10_000).sessionShare(0.01).build();
    try (E2eRun run = E2eRun.start(dir, cluster)) {
      var receiver = run.receiver();
      receiver.latency(Duration.ofMillis(5));
      BackgroundStart export = run.launch("--timeout=1s", "--batch=200");
      await().atMost(Duration.ofSeconds(30)).until(() -> receiver.totalRecords() >= 2_000);

      // Fluentd answers 500 to everything: nothing is accepted, the sink retries.
      receiver.failAllRequests(500);
      long failuresBefore = receiver.responses(500);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> receiver.responses(500) >= failuresBefore + 10);
      long frozen = receiver.totalRecords();

      // Fluentd goes away: connections are refused.
      receiver.stopListening();
      receiver.dropConnections();
      long connections = receiver.connectionsAccepted();
      await()
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(3))
          .until(() -> !export.isDone() && receiver.totalRecords() == frozen);
      assertThat(receiver.connectionsAccepted()).isEqualTo(connections);

      // Fluentd is back but still failing for a moment, then well.
      receiver.resumeListening();
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> receiver.connectionsAccepted() > connections);
      receiver.clearFaults();
      await()
          .atMost(Duration.ofSeconds(40))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> DeliveryCheck.of(run).complete());
      assertThat(export.isDone()).as("the export keeps running").isFalse();
      assertThat(export.stop(Duration.ofSeconds(15)).exitCode()).isZero();

      DeliveryCheck check = DeliveryCheck.of(run);
      System.out.printf(
          "receiver outage: %d answers with 500; %s%n", receiver.responses(500), check);
      check.assertExactlyOnce();
    }
  }
}
