package eventhandler.teleport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import eventhandler.tls.CertificateIssuer;
import eventhandler.tls.Pem;
import io.grpc.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Connecting, its failures in user terms, and credential reloads, over real TLS. */
class TeleportConnectorTest {
  private static final TestPki PKI = new TestPki("example.teleport.sh");
  private static final TestPki OTHER = new TestPki("other.example.com");

  @TempDir Path dir;

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private TestAuthServer server;
  private GrpcTeleportClient client;

  @BeforeEach
  void start() throws Exception {
    server =
        new TestAuthServer(
            PKI,
            new eventhandler.teleport.proto.auditlog.AuditLogServiceGrpc
                .AuditLogServiceImplBase() {});
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    server.close();
    scheduler.shutdownNow();
  }

  private TeleportConnector connector() {
    return new TeleportConnector(Clock.systemUTC(), scheduler, registry);
  }

  private Path identity(TestPki pki, TestPki.KeyFormat format) throws Exception {
    return pki.writeIdentity(dir.resolve("identity"), pki.client(format), format);
  }

  /** Tries the direct mode only, so that a failure is that mode's own. */
  private GrpcTeleportClient connectDirect(String address, Path identity) {
    return connector()
        .connect(settings(address, identity).withModes(EnumSet.of(ConnectionMode.DIRECT)));
  }

  private static ConnectOptions settings(String address, Path identity) {
    return ConnectOptions.of(address, CredentialSource.identityFile(identity))
        .withDialTimeout(Duration.ofSeconds(5));
  }

  @Test
  void connectsDirectlyWithEveryKeyType() throws Exception {
    for (TestPki.KeyFormat format : TestPki.KeyFormat.values()) {
      try (GrpcTeleportClient connected = connectDirect(server.address(), identity(PKI, format))) {
        assertThat(connected.cluster().getClusterName()).isEqualTo("example.teleport.sh");
        assertThat(connected.connectionMode()).isEqualTo(ConnectionMode.DIRECT);
      }
    }
    assertThat(server.versionHeaders).containsOnly(VersionHeader.FLOOR);
  }

  @Test
  void connectsWithTheCertKeyCaTrio() throws Exception {
    CertificateIssuer.Issued issued = PKI.client(TestPki.KeyFormat.RSA_PKCS1);
    Path cert = Files.writeString(dir.resolve("auth.crt"), Pem.encode(issued.certificate()));
    Path key =
        Files.writeString(dir.resolve("auth.key"), Pem.encode(issued.keyPair().getPrivate()));
    Path cas = Files.writeString(dir.resolve("auth.cas"), Pem.encode(PKI.ca.certificate()));

    client =
        connector()
            .connect(ConnectOptions.of(server.address(), CredentialSource.keyPair(cert, key, cas)));

    assertThat(TeleportCalls.ping(client).getClusterName()).isEqualTo("example.teleport.sh");
    assertThat(server.clientSerials).contains(issued.certificate().getSerialNumber());
  }

  @Test
  void aWrongCaFailsVerificationAndSaysSo() throws Exception {
    // The identity of another cluster: its CA did not sign this server's certificate.
    Path identity = identity(OTHER, TestPki.KeyFormat.EC_SEC1);

    assertThatThrownBy(() -> connector().connect(settings(server.address(), identity)))
        .isInstanceOfSatisfying(
            TeleportException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(TeleportException.Kind.CONNECTION);
              assertThat(e.getMessage())
                  .contains("cannot connect to Teleport at " + server.address())
                  .contains("identity file " + identity)
                  .contains("direct to the Auth Service: TLS verification failed (wrong CA?)")
                  .contains("through the Proxy Service (TLS routing): TLS verification failed")
                  .contains("is not signed by a CA in the identity file")
                  .contains("O=other.example.com");
            });
    assertThat(server.clientSerials).isEmpty();
  }

  @Test
  void aServerCertificateForAnotherNameIsRefused() throws Exception {
    // Signed by the right CA, but not for teleport.cluster.local: not an Auth Service.
    TestPki impostor = new TestPki("example.teleport.sh");
    Path identity = identity(impostor, TestPki.KeyFormat.EC_SEC1);
    // The impostor's server names proxy.example.com only.
    try (TestAuthServer wrongName =
        new TestAuthServer(
            withServerName(impostor, "proxy.example.com"),
            new eventhandler.teleport.proto.auditlog.AuditLogServiceGrpc
                .AuditLogServiceImplBase() {})) {
      assertThatThrownBy(() -> connectDirect(wrongName.address(), identity))
          .hasMessageContaining(
              "TLS verification failed: the server certificate is not valid for"
                  + " teleport.cluster.local")
          .hasMessageContaining("proxy.example.com");
    }
  }

  @Test
  void anExpiredIdentityIsRefusedBeforeDialing() throws Exception {
    Instant now = Instant.now();
    Path identity =
        PKI.writeIdentity(
            dir.resolve("identity"),
            PKI.client(
                TestPki.KeyFormat.EC_SEC1,
                now.minus(Duration.ofDays(2)),
                now.minus(Duration.ofHours(3))),
            TestPki.KeyFormat.EC_SEC1);

    assertThatThrownBy(() -> connector().connect(settings(server.address(), identity)))
        .isInstanceOfSatisfying(
            TeleportException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(TeleportException.Kind.CREDENTIALS);
              assertThat(e.getMessage())
                  .contains("identity file " + identity)
                  .contains("expired at")
                  .contains("tctl auth sign --user=teleport-event-handler --out=identity");
            });
    assertThat(server.versionHeaders).isEmpty();
  }

  @Test
  void nothingListeningListsEveryAttempt() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Path identity = identity(PKI, TestPki.KeyFormat.EC_SEC1);

    assertThatThrownBy(() -> connector().connect(settings("127.0.0.1:" + closedPort, identity)))
        .isInstanceOfSatisfying(
            TeleportException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(TeleportException.Kind.CONNECTION);
              assertThat(e.isRetryable()).isTrue();
              assertThat(e.getMessage())
                  .contains("direct to the Auth Service: connection refused")
                  .contains("through the Proxy Service (TLS routing): connection refused")
                  .contains("--teleport-addr");
            });
  }

  @Test
  void anUnknownHostSaysTheDnsLookupFailed() throws Exception {
    Path identity = identity(PKI, TestPki.KeyFormat.EC_SEC1);

    assertThatThrownBy(() -> connector().connect(settings("no-such-host.invalid:3025", identity)))
        .hasMessageContaining("direct to the Auth Service: DNS lookup failed")
        .hasMessageContaining("through the Proxy Service (TLS routing): DNS lookup failed");
  }

  @Test
  void aClientCertificateTheServerDoesNotTrustIsReported() throws Exception {
    // Trusts this cluster's CA (so the server verifies) but the certificate is from another CA.
    CertificateIssuer.Issued foreign = OTHER.client(TestPki.KeyFormat.EC_SEC1);
    Path identity = dir.resolve("identity");
    Files.writeString(
        identity,
        Pem.encode(foreign.keyPair().getPrivate())
            + Pem.encode(foreign.certificate())
            + Pem.encode(PKI.ca.certificate()));

    assertThatThrownBy(() -> connectDirect(server.address(), identity))
        .hasMessageContaining("the server rejected the client certificate");
  }

  @Test
  void accessDeniedAtConnectIsReportedAsSuch() throws Exception {
    server.pingFailure = Status.PERMISSION_DENIED.withDescription("client version is unsupported");
    Path identity = identity(PKI, TestPki.KeyFormat.EC_SEC1);

    assertThatThrownBy(() -> connectDirect(server.address(), identity))
        .isInstanceOfSatisfying(
            TeleportException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(TeleportException.Kind.ACCESS_DENIED);
              assertThat(e.getMessage())
                  .contains("permission denied: client version is unsupported");
            });
  }

  @Test
  void newConnectionsUseAReloadedIdentity() throws Exception {
    Path identity = identity(PKI, TestPki.KeyFormat.EC_SEC1);
    client = connector().connect(settings(server.address(), identity));
    String firstSerial = client.credentials().current().serial();
    CertificateIssuer.Issued renewed = PKI.client(TestPki.KeyFormat.RSA_PKCS8);
    PKI.writeIdentity(identity, renewed, TestPki.KeyFormat.RSA_PKCS8);

    assertThat(client.reload()).isEqualTo(ReloadableCredentials.Outcome.CHANGED);
    assertThat(client.reload()).isEqualTo(ReloadableCredentials.Outcome.UNCHANGED);
    server.clientSerials.clear();
    TeleportCalls.ping(client);
    // The open connection keeps the certificate it was made with.
    assertThat(server.clientSerials).last().extracting(s -> s.toString(16)).isEqualTo(firstSerial);

    server.restart();
    awaitPing(client);

    assertThat(server.clientSerials).last().isEqualTo(renewed.certificate().getSerialNumber());
  }

  @Test
  void aFailedReloadKeepsTheCredentialsInUse() throws Exception {
    Path identity = identity(PKI, TestPki.KeyFormat.EC_SEC1);
    client = connector().connect(settings(server.address(), identity));
    String serial = client.credentials().current().serial();

    Files.writeString(identity, "half-written by tbot\n-----BEGIN RSA PRIVATE KEY-----\nAAAA\n");
    assertThat(client.reload()).isEqualTo(ReloadableCredentials.Outcome.FAILED);
    Instant now = Instant.now();
    PKI.writeIdentity(
        identity,
        PKI.client(TestPki.KeyFormat.EC_SEC1, now.minus(Duration.ofDays(2)), now.minusSeconds(60)),
        TestPki.KeyFormat.EC_SEC1);
    assertThat(client.reload()).isEqualTo(ReloadableCredentials.Outcome.FAILED);

    server.restart();
    awaitPing(client);
    assertThat(client.credentials().current().serial()).isEqualTo(serial);
    assertThat(server.clientSerials).last().extracting(s -> s.toString(16)).isEqualTo(serial);
    assertThat(
            registry
                .get("eventhandler.teleport.credentials.reloads")
                .tag("result", "failed")
                .counter()
                .count())
        .isEqualTo(2.0);
  }

  @Test
  void refreshPicksUpARenewedIdentityOnItsOwn() throws Exception {
    Path identity = identity(PKI, TestPki.KeyFormat.EC_SEC1);
    client =
        connector()
            .connect(
                settings(server.address(), identity).withRefresh(true, Duration.ofMillis(100)));
    CertificateIssuer.Issued renewed = PKI.client(TestPki.KeyFormat.EC_SEC1);

    PKI.writeIdentity(identity, renewed, TestPki.KeyFormat.EC_SEC1);

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> client.credentials().current().certificate().equals(renewed.certificate()));
  }

  private static void awaitPing(GrpcTeleportClient client) {
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreException(TeleportException.class)
        .until(() -> TeleportCalls.ping(client) != null);
  }

  /** A PKI like {@code pki} whose server certificate names only {@code dnsName}. */
  private static TestPki withServerName(TestPki pki, String dnsName) {
    return pki.withServerNames(dnsName);
  }
}
