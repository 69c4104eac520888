package eventhandler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import eventhandler.sim.SimulatedCluster;
import eventhandler.sim.SimulatedClusterBuilder;
import eventhandler.sim.pki.IdentityOptions;
import eventhandler.sim.pki.KeyPairFiles;
import eventhandler.sim.tunnel.SshTunnelServer;
import eventhandler.teleport.ConnectOptions;
import eventhandler.teleport.CredentialSource;
import eventhandler.teleport.GrpcTeleportClient;
import eventhandler.teleport.TeleportConnector;
import eventhandler.teleport.TeleportException;
import eventhandler.testing.BackgroundStart;
import eventhandler.testing.CapturedLogs;
import eventhandler.testing.ChildStart;
import eventhandler.testing.E2eRun;
import eventhandler.tls.Pem;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SSH ways through a Proxy: plain SSH to the reverse-tunnel port of a Proxy without TLS
 * routing, and SSH inside ALPN {@code teleport-reversetunnel} on a Proxy whose web port routes
 * nothing else to Auth. Both export everything; each refusal gives one clear line.
 */
@Timeout(120)
class SshTunnelWaysTest {
  @TempDir Path dir;

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  private static SimulatedClusterBuilder cluster() {
    return E2eRun.clusterWithHistory(Duration.ofHours(6))
        .seed(13)
        .events(400)
        .sessionShare(0.02)
        .recordingLength(5, 20)
        .chunkSize(50);
  }

  /** A Proxy with separate ports: the web port routes nothing to Auth, the tunnel port does. */
  private static SimulatedClusterBuilder onlyReverseTunnel() {
    return cluster().tlsRouting(false).authRouting(false).reverseTunnel(true);
  }

  /** A Proxy with TLS routing whose web port reaches Auth only through SSH inside TLS. */
  private static SimulatedClusterBuilder onlyTlsRoutingOverSsh() {
    return cluster().authRouting(false);
  }

  private Map<String, String> webTrust(SimulatedCluster cluster) throws IOException {
    Path file = dir.resolve("web-ca.pem");
    Files.writeString(file, Pem.encode(cluster.webCaCertificate()));
    return Map.of("SSL_CERT_FILE", file.toString());
  }

  private static String web(SimulatedCluster cluster) {
    return "localhost:" + cluster.proxySocketAddress().getPort();
  }

  private String exportsEverything(E2eRun run) throws IOException {
    try (CapturedLogs logs = CapturedLogs.of(TeleportConnector.class.getName())) {
      BackgroundStart.Result result =
          run.runVia(web(run.cluster()), webTrust(run.cluster()), "--exit-on-last-event=true");
      assertThat(result.exitCode()).as(result.err()).isZero();
      assertThat(run.receivedAuditUids())
          .as("every audit event once")
          .containsExactlyInAnyOrderElementsOf(run.expectedAuditUids());
      FeatureExportModesTest.assertEveryRecordingArrived(run);
      String line =
          logs.messages(Level.INFO).stream()
              .filter(l -> l.contains("connected to Teleport cluster"))
              .findFirst()
              .orElseThrow();
      System.out.println("[" + web(run.cluster()) + "] " + line);
      return line;
    }
  }

  @Test
  void aProxyOfferingOnlyTheReverseTunnelPortExportsEverything() throws Exception {
    try (E2eRun run = E2eRun.start(dir, onlyReverseTunnel().build())) {
      String started = exportsEverything(run);
      assertThat(started)
          .contains(
              "through the Proxy Service's SSH reverse tunnel at localhost:"
                  + run.cluster().tunnelSocketAddress().getPort());
      assertThat(run.cluster().tunnelDials()).isPositive();
    }
  }

  @Test
  void aProxyOfferingOnlyTlsRoutingOverSshExportsEverything() throws Exception {
    try (E2eRun run = E2eRun.start(dir, onlyTlsRoutingOverSsh().build())) {
      String started = exportsEverything(run);
      assertThat(started)
          .contains("through the Proxy Service (TLS routing, SSH reverse tunnel in ALPN");
      assertThat(run.cluster().tunnelDials()).isPositive();
    }
  }

  private GrpcTeleportClient connect(
      SimulatedCluster cluster, CredentialSource credentials, SimpleMeterRegistry registry)
      throws IOException {
    return new TeleportConnector(Clock.systemUTC(), scheduler, registry, webTrust(cluster))
        .connect(
            ConnectOptions.of(web(cluster), credentials).withDialTimeout(Duration.ofSeconds(15)));
  }

  private CredentialSource identity(SimulatedCluster cluster, IdentityOptions options)
      throws IOException {
    Path file = dir.resolve("identity-" + System.nanoTime());
    cluster.writeIdentity(file, options);
    return CredentialSource.identityFile(file);
  }

  /** The one line of the combined error that names the SSH way. */
  private static String sshLine(TeleportException e) {
    return e.getMessage()
        .lines()
        .filter(l -> l.contains("SSH") || l.contains("teleport-transport"))
        .findFirst()
        .orElse(e.getMessage());
  }

  private TeleportException refusal(SimulatedCluster cluster, CredentialSource credentials) {
    try (GrpcTeleportClient client = connect(cluster, credentials, new SimpleMeterRegistry())) {
      throw new AssertionError("connected " + client.way().description());
    } catch (TeleportException e) {
      System.out.println("[refused] " + sshLine(e));
      return e;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void theTunnelCarriesCallsAndTheMetricNamesTheWay() throws Exception {
    try (SimulatedCluster cluster = onlyReverseTunnel().build().start()) {
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      try (GrpcTeleportClient client =
          connect(cluster, identity(cluster, IdentityOptions.defaults()), registry)) {
        assertThat(client.way().label()).isEqualTo("reverse_tunnel");
        assertThat(client.cluster().getClusterName()).isEqualTo(cluster.clusterName());
        // A call after the first Ping crosses the tunnel too.
        assertThat(
                client
                    .searchEvents(
                        Instant.now().minus(Duration.ofDays(1)), Instant.now(), List.of(), 5, null)
                    .events())
            .isNotEmpty();
        long dials = cluster.tunnelDials();
        cluster.dropTunnelConnections(); // a broken tunnel: the next calls reconnect through it
        awaitSearchThroughTheTunnel(client);
        assertThat(cluster.tunnelDials()).isGreaterThan(dials);
        assertThat(client.way().label()).isEqualTo("reverse_tunnel");
        assertThat(
                registry
                    .get("eventhandler.teleport.connection.way")
                    .tag("way", "reverse_tunnel")
                    .gauge()
                    .value())
            .isEqualTo(1.0);
      }
    }
  }

  /** Waits until a search crosses the tunnel again (the client reconnects after a drop). */
  private static void awaitSearchThroughTheTunnel(GrpcTeleportClient client) {
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptionsInstanceOf(TeleportException.class)
        .until(
            () ->
                !client
                    .searchEvents(
                        Instant.now().minus(Duration.ofDays(1)), Instant.now(), List.of(), 5, null)
                    .events()
                    .isEmpty());
  }

  @Test
  void aRefreshedIdentityGivesNewTunnelConnectionsItsSshCertificate() throws Exception {
    try (SimulatedCluster cluster = onlyReverseTunnel().build().start()) {
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      Instant oldEnd = now.plus(Duration.ofMinutes(20));
      Instant newEnd = now.plus(Duration.ofHours(3));
      Path file = dir.resolve("identity");
      cluster.writeIdentity(file, IdentityOptions.defaults().withSshNotAfter(oldEnd));
      try (GrpcTeleportClient client =
          new TeleportConnector(
                  Clock.systemUTC(), scheduler, new SimpleMeterRegistry(), webTrust(cluster))
              .connect(
                  ConnectOptions.of(web(cluster), CredentialSource.identityFile(file))
                      .withDialTimeout(Duration.ofSeconds(15))
                      .withRefresh(true, Duration.ofMillis(200)))) {
        assertThat(cluster.tunnelCertificateExpiries()).containsOnly(oldEnd);
        String oldSerial = client.credentials().current().serial();

        // tbot renews the identity; the refresh picks it up, the open tunnel keeps the old one.
        cluster.writeIdentity(file, IdentityOptions.defaults().withSshNotAfter(newEnd));
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> !client.credentials().current().serial().equals(oldSerial));
        cluster.dropTunnelConnections(); // the Proxy drops the old connection
        awaitSearchThroughTheTunnel(client);
        List<Instant> seen = cluster.tunnelCertificateExpiries();
        System.out.println("[refresh] SSH certificates the tunnel accepted, by expiry: " + seen);
        assertThat(seen).first().isEqualTo(oldEnd);
        assertThat(seen).last().isEqualTo(newEnd);
      }
    }
  }

  @Test
  @Timeout(60)
  void sighupToARunningStartGivesNewTunnelConnectionsTheRenewedSshCertificate() throws Exception {
    try (E2eRun run = E2eRun.start(dir, onlyReverseTunnel().build())) {
      SimulatedCluster cluster = run.cluster();
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      Instant oldEnd = now.plus(Duration.ofMinutes(20));
      Instant newEnd = now.plus(Duration.ofHours(3));
      Path identity = run.stack().identity();
      cluster.writeIdentity(identity, IdentityOptions.defaults().withSshNotAfter(oldEnd));
      // The periodic refresh is off: only SIGHUP makes it read the identity file again.
      try (ChildStart child =
          run.startChildVia(
              web(cluster),
              webTrust(cluster),
              "--teleport-refresh-enabled=false",
              "--timeout=1s",
              "--bulk-poll-interval=1s")) {
        int expected = run.expectedAuditUids().size();
        await("every audit event")
            .atMost(Duration.ofSeconds(30))
            .until(() -> run.receivedAuditUids().size() >= expected || !child.alive());
        assertThat(child.alive()).as("start is running; its output:\n%s", child.output()).isTrue();
        assertThat(cluster.tunnelCertificateExpiries()).containsOnly(oldEnd);

        // tbot renews the identity; SIGHUP has it read; the open tunnel keeps the old certificate.
        cluster.writeIdentity(identity, IdentityOptions.defaults().withSshNotAfter(newEnd));
        child.hangUp();
        await("the SIGHUP log line")
            .atMost(Duration.ofSeconds(10))
            .until(() -> child.output().contains("SIGHUP: Teleport credentials re-read"));
        String reread =
            child
                .output()
                .lines()
                .filter(l -> l.contains("SIGHUP: Teleport credentials re-read"))
                .findFirst()
                .orElseThrow();
        System.out.println("[sighup] " + reread);
        assertThat(reread).contains("changed, the new certificate is in use");
        assertThat(cluster.tunnelCertificateExpiries()).containsOnly(oldEnd);

        cluster.dropTunnelConnections(); // the Proxy drops the old connection; start reconnects
        await("a tunnel connection with the new certificate")
            .atMost(Duration.ofSeconds(20))
            .until(() -> cluster.tunnelCertificateExpiries().contains(newEnd) || !child.alive());
        List<Instant> seen = cluster.tunnelCertificateExpiries();
        System.out.println("[sighup] SSH certificates the tunnel accepted, by expiry: " + seen);
        assertThat(seen).first().isEqualTo(oldEnd);
        assertThat(seen).last().isEqualTo(newEnd);

        child.terminate();
        ChildStart.assertExit(child, child.awaitExit(Duration.ofSeconds(15)), 0);
      }
      assertThat(run.receivedAuditUids())
          .as("every audit event once")
          .containsExactlyInAnyOrderElementsOf(run.expectedAuditUids());
    }
  }

  @Test
  void aHostKeyNotSignedByTheHostCaIsRefused() throws Exception {
    try (SimulatedCluster cluster =
        onlyReverseTunnel().foreignSshHostCertificate().build().start()) {
      TeleportException e = refusal(cluster, identity(cluster, IdentityOptions.defaults()));
      assertThat(sshLine(e))
          .contains("SSH host certificate of the Proxy's SSH tunnel at localhost:")
          .contains("not among the identity file's @cert-authority lines")
          .contains("never trusted on first use");
    }
  }

  @Test
  void anExpiredSshCertificateSaysToRenewTheIdentity() throws Exception {
    try (SimulatedCluster cluster = onlyTlsRoutingOverSsh().build().start()) {
      IdentityOptions expired =
          IdentityOptions.defaults().withSshNotAfter(Instant.now().minus(Duration.ofHours(1)));
      TeleportException e = refusal(cluster, identity(cluster, expired));
      assertThat(sshLine(e))
          .contains("the SSH certificate in the identity file is not valid now")
          .contains("renew the identity file");
    }
  }

  @Test
  void aChannelTheProxyRefusesIsNamed() throws Exception {
    try (SimulatedCluster cluster =
        onlyReverseTunnel().tunnelFault(SshTunnelServer.Fault.REFUSE_CHANNEL).build().start()) {
      TeleportException e = refusal(cluster, identity(cluster, IdentityOptions.defaults()));
      assertThat(sshLine(e)).contains("refused the teleport-transport channel");
    }
  }

  @Test
  void aCertKeyCaTrioSaysTheSshWaysNeedAnIdentityFile() throws Exception {
    try (SimulatedCluster cluster = onlyReverseTunnel().build().start()) {
      KeyPairFiles trio = cluster.writeKeyPair(dir.resolve("trio"), IdentityOptions.defaults());
      TeleportException e =
          refusal(
              cluster,
              CredentialSource.keyPair(trio.certificateFile(), trio.keyFile(), trio.caFile()));
      assertThat(e.getMessage())
          .contains("SSH reverse tunnel at localhost:" + cluster.tunnelSocketAddress().getPort())
          .contains("needs an identity file with an SSH certificate");
    }
  }
}
