package eventhandler.teleport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import eventhandler.sim.SimulatedCluster;
import eventhandler.testing.CapturedLogs;
import eventhandler.testing.LoopbackPki;
import eventhandler.testing.Middleboxes;
import eventhandler.testing.Nginx;
import eventhandler.testing.TestClock;
import eventhandler.tls.Pem;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The way in use is kept on reconnect, and given up for a new choice once it stops working. */
class WayRedialTest {
  @TempDir Path dir;

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  @Test
  void aWayDownForAMinuteIsDroppedAndEveryWayIsTriedAgain() throws Exception {
    Middleboxes.requireNginx();
    LoopbackPki pki = LoopbackPki.create(dir.resolve("lb"));
    LoopbackPki.ServerIdentity lbCertificate = pki.localhostServer("lb");
    try (SimulatedCluster cluster = SimulatedCluster.builder().events(50).build().start();
        Nginx lb =
            Nginx.l7LoadBalancer(
                "127.0.0.1:" + cluster.proxySocketAddress().getPort(),
                "localhost",
                lbCertificate.certificateFile(),
                lbCertificate.keyFile());
        TcpRelay relay = new TcpRelay(cluster.proxySocketAddress().getPort());
        CapturedLogs logs = CapturedLogs.of(GrpcTeleportClient.class.getName())) {
      // Both CAs in one SSL_CERT_DIR: the Proxy's web CA (reached directly) and the LB's.
      Path cas = Files.createDirectories(dir.resolve("cas"));
      Files.writeString(cas.resolve("web.pem"), Pem.encode(cluster.webCaCertificate()));
      Files.copy(pki.caFile(), cas.resolve("lb.pem"));
      Path identity = dir.resolve("identity");
      cluster.writeIdentity(identity);
      TestClock clock = new TestClock(Instant.now());
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      String address = "localhost:" + relay.address().split(":")[1];
      GrpcTeleportClient client =
          new TeleportConnector(clock, scheduler, registry, Map.of("SSL_CERT_DIR", cas.toString()))
              .connect(
                  ConnectOptions.of(address, CredentialSource.identityFile(identity))
                      .withModes(EnumSet.of(ConnectionMode.PROXY))
                      .withDialTimeout(Duration.ofSeconds(5)));
      try (client) {
        assertThat(client.way().label()).isEqualTo("tls_routing");
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        client.listExportChunks(today);

        // Now an L7 load balancer stands at the address: plain TLS routing no longer works.
        relay.retarget(lb.port());
        relay.dropAll();
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(200))
            .ignoreExceptionsInstanceOf(TeleportException.class)
            .untilAsserted(
                () -> {
                  clock.advance(Duration.ofSeconds(20));
                  client.listExportChunks(today);
                });

        assertThat(client.way().label()).isEqualTo("tls_routing_websocket_upgrade");
        assertThat(wayGauge(registry, "tls_routing")).as("the way given up").isZero();
        assertThat(wayGauge(registry, "tls_routing_websocket_upgrade")).isEqualTo(1.0);
        assertThat(logs.messages(Level.INFO))
            .anyMatch(
                line ->
                    line.contains("reconnected to Teleport at " + address)
                        && line.contains("WebSocket connection upgrade")
                        && line.contains(
                            "the way in use, through the Proxy Service (TLS routing)"));
      }
    }
  }

  private static double wayGauge(SimpleMeterRegistry registry, String way) {
    return registry.get("eventhandler.teleport.connection.way").tag("way", way).gauge().value();
  }
}
