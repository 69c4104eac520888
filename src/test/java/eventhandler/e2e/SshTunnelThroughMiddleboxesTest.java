package eventhandler.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import eventhandler.sim.SimulatedCluster;
import eventhandler.sim.SimulatedClusterBuilder;
import eventhandler.testing.E2eRun;
import eventhandler.testing.LoopbackPki;
import eventhandler.testing.Middleboxes;
import eventhandler.testing.Nginx;
import eventhandler.testing.Tinyproxy;
import eventhandler.tls.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SSH ways through real middleboxes: TLS routing over SSH through an nginx L7 load balancer
 * (inside the WebSocket connection upgrade), and the plain reverse tunnel through tinyproxy named
 * by HTTPS_PROXY. Each exports everything and its start line names the way.
 */
@Timeout(180)
class SshTunnelThroughMiddleboxesTest {
  @TempDir Path dir;

  private static SimulatedClusterBuilder cluster() {
    return E2eRun.clusterWithHistory(Duration.ofHours(6))
        .seed(17)
        .events(400)
        .sessionShare(0.02)
        .recordingLength(5, 20)
        .chunkSize(50);
  }

  @Test
  void tlsRoutingOverSshPassesAnL7LoadBalancerInTheWebSocketUpgrade() throws Exception {
    Middleboxes.requireNginx();
    LoopbackPki pki = LoopbackPki.create(dir.resolve("lb-pki"));
    LoopbackPki.ServerIdentity lbIdentity = pki.localhostServer("lb");
    try (E2eRun run = E2eRun.start(dir, cluster().authRouting(false).build());
        Nginx lb =
            Nginx.l7LoadBalancer(
                "127.0.0.1:" + run.cluster().proxySocketAddress().getPort(),
                "localhost",
                lbIdentity.certificateFile(),
                lbIdentity.keyFile())) {
      String started =
          ConnectionWaysTest.exportsEverything(
              run, lb.localhostAddress(), Map.of("SSL_CERT_FILE", pki.caFile().toString()));

      assertThat(started)
          .contains("SSH reverse tunnel in ALPN")
          .contains("WebSocket connection upgrade");
      assertThat(run.cluster().tunnelDials()).isPositive();
      lb.awaitAccessLogLine("GET /webapi/connectionupgrade HTTP/1.1\" 101");
    }
  }

  @Test
  void theReverseTunnelPassesTinyproxyFromHttpsProxy() throws Exception {
    Middleboxes.requireTinyproxy();
    String host = ConnectionWaysTest.loopbackNameForAProxy();
    try (E2eRun run =
            E2eRun.start(
                dir, cluster().tlsRouting(false).authRouting(false).reverseTunnel(true).build());
        Tinyproxy proxy = Tinyproxy.start()) {
      SimulatedCluster cluster = run.cluster();
      // The web API is asked straight (its certificate names localhost, which is never proxied);
      // the tunnel address it is told to use instead is reached only through tinyproxy.
      String web = "localhost:" + cluster.proxySocketAddress().getPort();
      String tunnel = host + ":" + cluster.tunnelSocketAddress().getPort();
      String started =
          ConnectionWaysTest.exportsEverything(
              run,
              web,
              Map.of(
                  "HTTPS_PROXY",
                  proxy.url(),
                  "TELEPORT_TUNNEL_PUBLIC_ADDR",
                  tunnel,
                  "SSL_CERT_FILE",
                  webCaFile(cluster).toString()));

      assertThat(started)
          .contains("through the Proxy Service's SSH reverse tunnel at " + tunnel)
          .contains("via proxy " + proxy.url());
      assertThat(proxy.connectRequests()).contains(tunnel);
      assertThat(cluster.tunnelDials()).isPositive();
    }
  }

  @Test
  @Timeout(60)
  void tlsRoutingOverSshPassesTinyproxyFromHttpsProxy() throws Exception {
    Middleboxes.requireTinyproxy();
    String host = ConnectionWaysTest.loopbackNameForAProxy();
    // Only TLS routing with SSH inside: no ALPN route to Auth, no tunnel port.
    try (E2eRun run = E2eRun.start(dir, cluster().authRouting(false).build());
        Tinyproxy proxy = Tinyproxy.start()) {
      SimulatedCluster cluster = run.cluster();
      String web = host + ":" + cluster.proxySocketAddress().getPort();
      String started =
          ConnectionWaysTest.exportsEverything(
              run,
              web,
              Map.of("HTTPS_PROXY", proxy.url(), "SSL_CERT_FILE", webCaFile(cluster).toString()));

      assertThat(started)
          .contains("SSH reverse tunnel in ALPN")
          .contains("via proxy " + proxy.url());
      System.out.println("[tinyproxy] CONNECTs: " + proxy.connectRequests());
      assertThat(proxy.connectRequests()).contains(web);
      assertThat(cluster.tunnelDials()).isPositive();
      assertThat(cluster.reverseTunnelConnections()).isPositive();
    }
  }

  private Path webCaFile(SimulatedCluster cluster) throws IOException {
    Path file = dir.resolve("web-ca.pem");
    Files.writeString(file, Pem.encode(cluster.webCaCertificate()));
    return file;
  }
}
