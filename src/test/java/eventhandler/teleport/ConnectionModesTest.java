package eventhandler.teleport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import eventhandler.teleport.proto.auditlog.AuditLogServiceGrpc;
import eventhandler.tls.CertificateIssuer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What each connection mode puts in the TLS handshake, and reconnecting after a drop. */
class ConnectionModesTest {
  private static final TestPki PKI = new TestPki("example.teleport.sh");
  private static final String ROUTE =
      "teleport-auth@6578616d706c652e74656c65706f72742e7368.teleport.cluster.local";

  @TempDir Path dir;

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  private ConnectOptions settings(String address, EnumSet<ConnectionMode> modes) throws Exception {
    Path identity =
        PKI.writeIdentity(
            dir.resolve("identity"),
            PKI.client(TestPki.KeyFormat.EC_SEC1),
            TestPki.KeyFormat.EC_SEC1);
    return ConnectOptions.of(address, CredentialSource.identityFile(identity))
        .withModes(modes)
        .withDialTimeout(Duration.ofSeconds(5));
  }

  private TeleportConnector connector() {
    return new TeleportConnector(Clock.systemUTC(), scheduler, new SimpleMeterRegistry());
  }

  @Test
  void proxyModeAsksTheWebApiThenOffersTheAuthRouteFirst() throws Exception {
    try (AlpnProbeServer proxy = new AlpnProbeServer(PKI, null)) {
      assertThatThrownBy(
          () -> connector().connect(settings(proxy.address(), EnumSet.of(ConnectionMode.PROXY))));

      // /webapi/find first (HTTPS), then the Auth route; no upgrade probe, as find failed.
      assertThat(proxy.offeredProtocols.get(0)).isEqualTo(List.of("http/1.1"));
      assertThat(proxy.offeredProtocols).contains(List.of(ROUTE, "h2"));
      assertThat(proxy.offeredProtocols).doesNotContain(List.of("teleport-reversetunnel"));
      // An IP address cannot be an SNI name: the Auth Service's name is sent instead.
      assertThat(proxy.serverNames).containsOnly("teleport.cluster.local");
    }
  }

  @Test
  void throughAProxyTheSniIsTheProxysHostName() throws Exception {
    try (AlpnProbeServer proxy = new AlpnProbeServer(PKI, null)) {
      String address = proxy.address().replace("127.0.0.1", "localhost");
      assertThatThrownBy(
          () -> connector().connect(settings(address, EnumSet.of(ConnectionMode.PROXY))));

      assertThat(proxy.serverNames).isNotEmpty().containsOnly("localhost");
    }
  }

  @Test
  void directModeOffersOnlyHttp2() throws Exception {
    try (AlpnProbeServer auth = new AlpnProbeServer(PKI, null)) {
      assertThatThrownBy(
          () -> connector().connect(settings(auth.address(), EnumSet.of(ConnectionMode.DIRECT))));

      assertThat(auth.offeredProtocols).first().isEqualTo(List.of("h2"));
      assertThat(auth.serverNames).first().isEqualTo("teleport.cluster.local");
    }
  }

  @Test
  void aProxyRefusingTheProtocolsIsReportedAsAlpnRefused() throws Exception {
    try (AlpnProbeServer proxy = new AlpnProbeServer(PKI, null)) {
      assertThatThrownBy(
              () ->
                  connector()
                      .connect(settings(proxy.address(), EnumSet.allOf(ConnectionMode.class))))
          .hasMessageContaining("direct to the Auth Service: ALPN refused by the server")
          .hasMessageContaining(
              "through the Proxy Service (TLS routing): ALPN refused by the server");
    }
  }

  @Test
  void aServerThatPicksTheRouteInsteadOfHttp2IsNotTakenForGrpc() throws Exception {
    // A TLS endpoint that ends TLS itself and answers with the routing protocol is not Auth.
    try (AlpnProbeServer proxy = new AlpnProbeServer(PKI, ROUTE)) {
      assertThatThrownBy(
              () ->
                  connector().connect(settings(proxy.address(), EnumSet.of(ConnectionMode.PROXY))))
          .hasMessageContaining("did not choose HTTP/2");
    }
  }

  @Test
  void aDroppedConnectionIsRecoveredWithTheCurrentCertificate() throws Exception {
    try (TestAuthServer server =
            new TestAuthServer(PKI, new AuditLogServiceGrpc.AuditLogServiceImplBase() {});
        TcpRelay relay = new TcpRelay(server.port())) {
      ConnectOptions settings = settings(relay.address(), EnumSet.of(ConnectionMode.DIRECT));
      try (GrpcTeleportClient client = connector().connect(settings)) {
        CertificateIssuer.Issued renewed = PKI.client(TestPki.KeyFormat.RSA_PKCS1);
        Path identity = ((CredentialSource.IdentityFileSource) settings.credentials()).file();
        PKI.writeIdentity(identity, renewed, TestPki.KeyFormat.RSA_PKCS1);
        assertThat(client.reload()).isEqualTo(ReloadableCredentials.Outcome.CHANGED);

        relay.dropAll();
        await()
            .atMost(Duration.ofSeconds(10))
            .ignoreException(TeleportException.class)
            .until(() -> TeleportCalls.ping(client) != null);

        // The server stayed up (so it could resume a TLS session); it saw a full handshake.
        assertThat(relay.accepted.get()).isGreaterThanOrEqualTo(2);
        assertThat(server.clientSerials).last().isEqualTo(renewed.certificate().getSerialNumber());
      }
    }
  }
}
