package eventhandler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import eventhandler.sim.SimulatedCluster;
import eventhandler.sim.SimulatedClusterBuilder;
import eventhandler.sim.auth.ClientRoute;
import eventhandler.sim.auth.SeenCertificate;
import eventhandler.sim.pki.IdentityOptions;
import eventhandler.sim.proxy.UpgradeType;
import eventhandler.teleport.ConnectOptions;
import eventhandler.teleport.CredentialSource;
import eventhandler.teleport.GrpcTeleportClient;
import eventhandler.teleport.TeleportConnector;
import eventhandler.teleport.TeleportException;
import eventhandler.testing.BackgroundStart;
import eventhandler.testing.CapturedLogs;
import eventhandler.testing.E2eRun;
import eventhandler.testing.LoopbackPki;
import eventhandler.testing.Middleboxes;
import eventhandler.testing.Nginx;
import eventhandler.testing.Tinyproxy;
import eventhandler.tls.Pem;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way to the Auth Service that the Go plugin's client takes, each through a real middlebox
 * (nginx, tinyproxy) in front of the simulated Proxy: the whole export arrives once, the start log
 * names the way, and each bad case gives a clear reason.
 */
class ConnectionWaysTest {
  @TempDir Path dir;

  private LoopbackPki pki;
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @BeforeEach
  void pki() {
    pki = LoopbackPki.create(dir.resolve("lb-pki"));
  }

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  private static SimulatedClusterBuilder cluster() {
    return E2eRun.clusterWithHistory(Duration.ofHours(6))
        .seed(11)
        .events(400)
        .sessionShare(0.02)
        .recordingLength(5, 20)
        .chunkSize(50);
  }

  /**
   * Runs the whole export through {@code address}; checks that everything arrived once. Returns the
   * start log's line that names the way.
   */
  static String exportsEverything(E2eRun run, String address, Map<String, String> environment) {
    try (CapturedLogs logs = CapturedLogs.of(TeleportConnector.class.getName())) {
      BackgroundStart.Result result = run.runVia(address, environment, "--exit-on-last-event=true");
      assertThat(result.exitCode()).as(result.err()).isZero();
      assertThat(run.receivedAuditUids())
          .as("every audit event once")
          .containsExactlyInAnyOrderElementsOf(run.expectedAuditUids());
      FeatureExportModesTest.assertEveryRecordingArrived(run);
      String line = startLine(logs);
      System.out.println("[" + address + "] " + line);
      return line;
    }
  }

  private static String startLine(CapturedLogs logs) {
    return logs.messages(Level.INFO).stream()
        .filter(line -> line.contains("connected to Teleport cluster"))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no 'connected' line in " + logs.messages(Level.INFO)));
  }

  private static List<ClientRoute> modesSeen(SimulatedCluster cluster) {
    return cluster.seenClientCertificates().stream().map(SeenCertificate::mode).toList();
  }

  private Nginx l7(SimulatedCluster cluster, boolean upgrades) {
    Middleboxes.requireNginx();
    LoopbackPki.ServerIdentity lb = pki.localhostServer("lb");
    String upstream = "127.0.0.1:" + cluster.proxySocketAddress().getPort();
    return upgrades
        ? Nginx.l7LoadBalancer(upstream, "localhost", lb.certificateFile(), lb.keyFile())
        : Nginx.l7LoadBalancerWithoutUpgrades(
            upstream, "localhost", lb.certificateFile(), lb.keyFile());
  }

  private Path webCaFile(SimulatedCluster cluster) throws IOException {
    Path file = dir.resolve("web-ca.pem");
    Files.writeString(file, Pem.encode(cluster.webCaCertificate()));
    return file;
  }

  /**
   * A name for this machine that is not {@code localhost} nor a loopback IP (which are never
   * proxied) but that the proxy resolves to 127.0.0.1: the host name when /etc/hosts maps it to
   * loopback, else {@code 127.1} (inet_aton's 127.0.0.1, not an IP address to Go's proxy rules).
   */
  static String loopbackNameForAProxy() {
    try {
      String name = InetAddress.getLocalHost().getHostName();
      if (!name.equals("localhost") && InetAddress.getByName(name).isLoopbackAddress()) {
        return name;
      }
    } catch (UnknownHostException e) {
      // fall through
    }
    return "127.1";
  }

  @Test
  void anL7LoadBalancerEndingTlsIsPassedWithTheWebSocketUpgrade() throws Exception {
    try (E2eRun run = E2eRun.start(dir, cluster().build());
        Nginx lb = l7(run.cluster(), true)) {
      String started =
          exportsEverything(
              run, lb.localhostAddress(), Map.of("SSL_CERT_FILE", pki.caFile().toString()));

      assertThat(started)
          .contains("through the Proxy Service (TLS routing), WebSocket connection upgrade");
      assertThat(modesSeen(run.cluster())).contains(ClientRoute.PROXY_UPGRADE_WEBSOCKET);
      assertThat(run.cluster().connectionUpgrades(UpgradeType.WEBSOCKET_ALPN_PING)).isPositive();
      lb.awaitAccessLogLine("GET /webapi/connectionupgrade HTTP/1.1\" 101");
      assertThat(lb.accessLog()).anyMatch(line -> line.contains("GET /webapi/find HTTP/1.1\" 200"));
    }
  }

  @Test
  void theLegacyUpgradeWhenTheModeVariableAsksForIt() throws Exception {
    try (E2eRun run = E2eRun.start(dir, cluster().build());
        Nginx lb = l7(run.cluster(), true)) {
      String started =
          exportsEverything(
              run,
              lb.localhostAddress(),
              Map.of(
                  "SSL_CERT_FILE",
                  pki.caFile().toString(),
                  "TELEPORT_TLS_ROUTING_CONN_UPGRADE_MODE",
                  "legacy"));

      assertThat(started)
          .contains("through the Proxy Service (TLS routing), legacy connection upgrade");
      assertThat(modesSeen(run.cluster())).contains(ClientRoute.PROXY_UPGRADE_LEGACY);
      assertThat(modesSeen(run.cluster())).doesNotContain(ClientRoute.PROXY_UPGRADE_WEBSOCKET);
    }
  }

  @Test
  void anSniRouterGetsTheProxysHostNameAndPassesTlsRouting() throws Exception {
    Middleboxes.requireNginxStream();
    try (E2eRun run = E2eRun.start(dir, cluster().build());
        Nginx router =
            Nginx.sniRouter(
                Map.of("localhost", "127.0.0.1:" + run.cluster().proxySocketAddress().getPort()))) {
      String started =
          exportsEverything(
              run,
              router.localhostAddress(),
              Map.of("SSL_CERT_FILE", webCaFile(run.cluster()).toString()));

      assertThat(started)
          .contains("through the Proxy Service (TLS routing)")
          .doesNotContain("upgrade");
      assertThat(modesSeen(run.cluster())).contains(ClientRoute.PROXY);
      assertThat(router.accessLog()).isNotEmpty();
    }
  }

  @Test
  void anHttpConnectProxyFromHttpsProxyCarriesTheConnection() throws Exception {
    Middleboxes.requireTinyproxy();
    String host = loopbackNameForAProxy();
    try (E2eRun run = E2eRun.start(dir, cluster().build());
        Tinyproxy proxy = Tinyproxy.start()) {
      String address = host + ":" + run.cluster().proxySocketAddress().getPort();
      String started = exportsEverything(run, address, Map.of("HTTPS_PROXY", proxy.url()));

      assertThat(started)
          .contains("through the Proxy Service (TLS routing), via proxy " + proxy.url());
      assertThat(proxy.connectRequests()).contains(address);
    }
  }

  @Test
  void aCompanyProxyBeforeAnL7LoadBalancer() throws Exception {
    Middleboxes.requireTinyproxy();
    String host = loopbackNameForAProxy();
    try (E2eRun run = E2eRun.start(dir, cluster().build());
        Nginx lb = l7WithName(run.cluster(), host);
        Tinyproxy proxy = Tinyproxy.startWithCredentials("alice", "s3cret")) {
      String address = host + ":" + lb.port();
      String started =
          exportsEverything(
              run,
              address,
              Map.of("HTTPS_PROXY", proxy.url(), "SSL_CERT_FILE", pki.caFile().toString()));

      assertThat(started)
          .contains("WebSocket connection upgrade, via proxy http://alice:***@")
          .doesNotContain("s3cret");
      assertThat(proxy.connectRequests()).contains(address);
    }
  }

  private Nginx l7WithName(SimulatedCluster cluster, String name) {
    Middleboxes.requireNginx();
    LoopbackPki.ServerIdentity lb = pki.server(name, List.of(name, "localhost"));
    return Nginx.l7LoadBalancer(
        "127.0.0.1:" + cluster.proxySocketAddress().getPort(),
        "localhost",
        lb.certificateFile(),
        lb.keyFile());
  }

  // --- bad cases: one clear reason each --------------------------------------------------------

  private GrpcTeleportClient connect(
      SimulatedCluster cluster, String address, Map<String, String> env) throws IOException {
    return connect(cluster, address, env, new SimpleMeterRegistry());
  }

  private GrpcTeleportClient connect(
      SimulatedCluster cluster,
      String address,
      Map<String, String> env,
      SimpleMeterRegistry registry)
      throws IOException {
    Path identity = dir.resolve("identity-" + Instant.now().toEpochMilli());
    cluster.writeIdentity(identity);
    return new TeleportConnector(Clock.systemUTC(), scheduler, registry, env)
        .connect(
            ConnectOptions.of(address, CredentialSource.identityFile(identity))
                .withDialTimeout(Duration.ofSeconds(5)));
  }

  @Test
  void aLoadBalancerThatDropsWebSocketUpgradesIsPassedWithTheLegacyForm() throws Exception {
    // nginx without the Upgrade/Connection lines: the WebSocket form gets a 404 from the Proxy;
    // the legacy form still passes, as its X-Teleport-Upgrade header reaches the Proxy.
    try (E2eRun run = E2eRun.start(dir, cluster().build());
        Nginx lb = l7(run.cluster(), false)) {
      String started =
          exportsEverything(
              run, lb.localhostAddress(), Map.of("SSL_CERT_FILE", pki.caFile().toString()));

      assertThat(started)
          .contains("through the Proxy Service (TLS routing), legacy connection upgrade");
      assertThat(lb.accessLog())
          .anyMatch(line -> line.contains("GET /webapi/connectionupgrade HTTP/1.1\" 404"));
    }
  }

  @Test
  void aLoadBalancerThatDropsUpgradesIsNamedWithItsAnswerWhenOnlyWebSocketIsAllowed()
      throws Exception {
    try (SimulatedCluster cluster = cluster().build().start();
        Nginx lb = l7(cluster, false)) {
      Map<String, String> env =
          Map.of(
              "SSL_CERT_FILE",
              pki.caFile().toString(),
              "TELEPORT_TLS_ROUTING_CONN_UPGRADE_MODE",
              "websocket");
      assertThatThrownBy(() -> connect(cluster, lb.localhostAddress(), env))
          .isInstanceOf(TeleportException.class)
          .hasMessageContaining("refused the WebSocket connection upgrade (HTTP 404")
          .hasMessageContaining("must pass WebSocket upgrades");
    }
  }

  @Test
  void aProxyThatRefusesUpgradesIsNamedWithBothAnswers() throws Exception {
    try (SimulatedCluster cluster = cluster().connectionUpgrade(false).build().start();
        Nginx lb = l7(cluster, true)) {
      assertThatThrownBy(
              () ->
                  connect(
                      cluster,
                      lb.localhostAddress(),
                      Map.of("SSL_CERT_FILE", pki.caFile().toString())))
          .isInstanceOf(TeleportException.class)
          .hasMessageContaining("refused the WebSocket connection upgrade (HTTP 404")
          .hasMessageContaining("answered the legacy upgrade (Upgrade: alpn) with \"HTTP/1.1 404");
    }
  }

  @Test
  void aLoadBalancerWithAnUntrustedCertificateSaysToNameItsCa() throws Exception {
    try (SimulatedCluster cluster = cluster().build().start();
        Nginx lb = l7(cluster, true)) {
      assertThatThrownBy(() -> connect(cluster, lb.localhostAddress(), Map.of()))
          .isInstanceOf(TeleportException.class)
          .hasMessageContaining("/webapi/find")
          .hasMessageContaining("SSL_CERT_FILE");
    }
  }

  @Test
  void aProxyThatWantsCredentialsSaysHowToGiveThem() throws Exception {
    Middleboxes.requireTinyproxy();
    try (SimulatedCluster cluster = cluster().build().start();
        Tinyproxy proxy = Tinyproxy.startWithCredentials("alice", "s3cret")) {
      String address = loopbackNameForAProxy() + ":" + cluster.proxySocketAddress().getPort();
      assertThatThrownBy(
              () -> connect(cluster, address, Map.of("HTTPS_PROXY", proxy.urlWithoutCredentials())))
          .isInstanceOf(TeleportException.class)
          .hasMessageContaining("wants credentials (407")
          .hasMessageContaining("http://user:password@host:port");
      Map<String, String> wrong = new HashMap<>();
      wrong.put("HTTPS_PROXY", proxy.url().replace("s3cret", "wrong"));
      assertThatThrownBy(() -> connect(cluster, address, wrong))
          .hasMessageContaining("refused the credentials")
          .hasMessageNotContaining("wrong");
    }
  }

  @Test
  void noProxyIsHonoured() throws Exception {
    Middleboxes.requireTinyproxy();
    String host = loopbackNameForAProxy();
    try (SimulatedCluster cluster = cluster().build().start();
        Tinyproxy proxy = Tinyproxy.start()) {
      String address = host + ":" + cluster.proxySocketAddress().getPort();
      try (GrpcTeleportClient client =
          connect(cluster, address, Map.of("HTTPS_PROXY", proxy.url(), "NO_PROXY", host))) {
        assertThat(client.way().front().path().proxy()).isEmpty();
      }
      assertThat(proxy.connectRequests()).isEmpty();
    }
  }

  @Test
  void aProxyWithoutTlsRoutingIsNamedWhenNothingConnects() throws Exception {
    try (SimulatedCluster cluster = cluster().tlsRouting(false).build().start()) {
      Path foreign = dir.resolve("foreign-identity");
      cluster.writeIdentity(foreign, IdentityOptions.defaults().signedByForeignCa());
      Map<String, String> env = Map.of("SSL_CERT_FILE", webCaFile(cluster).toString());
      String address = "localhost:" + cluster.proxySocketAddress().getPort();
      assertThatThrownBy(
              () ->
                  new TeleportConnector(
                          Clock.systemUTC(), scheduler, new SimpleMeterRegistry(), env)
                      .connect(
                          ConnectOptions.of(address, CredentialSource.identityFile(foreign))
                              .withDialTimeout(Duration.ofSeconds(5))))
          .isInstanceOf(TeleportException.class)
          .hasMessageContaining(
              "through the Proxy Service's SSH reverse tunnel at 127.0.0.1:3024: cannot reach");
    }
  }

  @Test
  void anAuthServiceAddressIsAlwaysNamedDirect() throws Exception {
    // An Auth Service also answers the Proxy route's ALPN (it selects h2); the direct way must win
    // every time, so the log never says "through the Proxy Service" for it.
    try (SimulatedCluster cluster = cluster().build().start()) {
      for (int i = 0; i < 12; i++) {
        try (GrpcTeleportClient client = connect(cluster, cluster.authAddress(), Map.of())) {
          assertThat(client.way().description())
              .as("attempt %d", i)
              .isEqualTo("direct to the Auth Service");
        }
      }
    }
  }

  @Test
  void anAuthServiceRefusingOldClientsAcceptsTheVersionSent() throws Exception {
    try (SimulatedCluster cluster =
        cluster().serverVersion("19.2.1").rejectOldClients(true).build().start()) {
      try (GrpcTeleportClient direct = connect(cluster, cluster.authAddress(), Map.of())) {
        direct.listExportChunks(java.time.LocalDate.now(java.time.ZoneOffset.UTC));
      }
      assertThat(cluster.refusedOldClientCalls()).isZero();
      assertThat(cluster.versionHeaders()).isNotEmpty().allMatch(v -> v.startsWith("18."));
    }
  }

  @Test
  void throughAProxyOfANewerVersionItsVersionIsSent() throws Exception {
    try (SimulatedCluster cluster =
        cluster().serverVersion("20.1.3").rejectOldClients(true).build().start()) {
      Map<String, String> env = Map.of("SSL_CERT_FILE", webCaFile(cluster).toString());
      String proxyAddress = "localhost:" + cluster.proxySocketAddress().getPort();
      try (GrpcTeleportClient client =
          new TeleportConnector(Clock.systemUTC(), scheduler, new SimpleMeterRegistry(), env)
              .connect(
                  ConnectOptions.of(proxyAddress, CredentialSource.identityFile(identity(cluster)))
                      .withModes(
                          java.util.EnumSet.of(eventhandler.teleport.ConnectionMode.PROXY)))) {
        client.listExportChunks(java.time.LocalDate.now(java.time.ZoneOffset.UTC));
      }
      assertThat(cluster.versionHeaders()).isNotEmpty().allMatch("20.1.3"::equals);
      assertThat(cluster.refusedOldClientCalls()).isZero();
    }
  }

  private Path identity(SimulatedCluster cluster) throws IOException {
    Path identity = dir.resolve("identity");
    cluster.writeIdentity(identity);
    return identity;
  }

  @Test
  void aStreamThroughTheUpgradeStaysUpWhileTheProxyPings() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (CapturedLogs netty = CapturedLogs.of("io.netty.bootstrap.Bootstrap");
        SimulatedCluster cluster =
            cluster().upgradePingInterval(Duration.ofMillis(100)).build().start();
        Nginx lb = l7(cluster, true);
        GrpcTeleportClient client =
            connect(
                cluster,
                lb.localhostAddress(),
                Map.of("SSL_CERT_FILE", pki.caFile().toString()),
                registry)) {
      // The metric names the way in use.
      assertThat(
              registry
                  .get("eventhandler.teleport.connection.way")
                  .tag("way", "tls_routing_websocket_upgrade")
                  .tag("outbound_proxy", "false")
                  .gauge()
                  .value())
          .isEqualTo(1.0);
      long before = cluster.upgradePongsReceived();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> cluster.upgradePongsReceived() >= before + 10);
      // The same connection still carries calls after the pings.
      client.listExportChunks(java.time.LocalDate.now(java.time.ZoneOffset.UTC));
      assertThat(cluster.connectionUpgrades(UpgradeType.WEBSOCKET_ALPN_PING)).isEqualTo(1);
      // gRPC's socket options on the in-memory bridge are accepted, not warned about.
      assertThat(netty.messages(Level.WARN)).isEmpty();
    }
  }
}
