package eventhandler.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import eventhandler.files.PrivateFiles;
import eventhandler.sim.auth.ClientRoute;
import eventhandler.sim.auth.ReceivedCall;
import eventhandler.sim.auth.SeenCertificate;
import eventhandler.sim.pki.IdentityOptions;
import eventhandler.sim.pki.KeyFormat;
import eventhandler.sim.pki.KeyPairFiles;
import eventhandler.sim.pki.WrittenIdentity;
import eventhandler.teleport.proto.auth.PingRequest;
import eventhandler.teleport.proto.auth.PingResponse;
import eventhandler.teleport.proto.types.LockSpecV2;
import eventhandler.teleport.proto.types.LockTarget;
import eventhandler.teleport.proto.types.LockV2;
import eventhandler.teleport.proto.types.Metadata;
import eventhandler.tls.KeyStores;
import eventhandler.tls.Pem;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Connecting to the simulated cluster: identities, both connection modes, refusals. */
class ConnectionsTest {
  @TempDir static Path dir;
  static SimulatedCluster cluster;
  static Path identity;

  @BeforeAll
  static void start() throws Exception {
    cluster = SimulatedCluster.builder().seed(7).events(100).build().start();
    identity = dir.resolve("identity");
    cluster.writeIdentity(identity);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void pingDirectlyReportsTheClusterAndRecordsTheCallAndCertificate() throws Exception {
    WrittenIdentity written = cluster.writeIdentity(dir.resolve("ping-identity"));
    try (TestClient client = TestClient.direct(cluster, written.file())) {
      PingResponse ping = client.auth.ping(PingRequest.getDefaultInstance());
      assertThat(ping.getClusterName()).isEqualTo("sim.example.com");
      assertThat(ping.getServerVersion()).isEqualTo("16.4.12");
      assertThat(ping.getProxyPublicAddr()).isEqualTo(cluster.proxyAddress());
    }
    assertThat(cluster.receivedCalls())
        .contains(new ReceivedCall("proto.AuthService/Ping", "16.4.12"));
    assertThat(cluster.versionHeaders()).contains("16.4.12");
    assertThat(cluster.seenClientCertificates())
        .anySatisfy(
            seen -> {
              assertThat(seen.serialNumber()).isEqualTo(written.certificate().getSerialNumber());
              assertThat(seen.mode()).isEqualTo(ClientRoute.DIRECT);
              assertThat(seen.subject()).contains("CN=teleport-event-handler");
            });
  }

  @Test
  void proxyWithTheAuthProtocolReachesAuth() throws Exception {
    WrittenIdentity written = cluster.writeIdentity(dir.resolve("proxy-identity"));
    try (TestClient client = TestClient.viaProxy(cluster, written.file())) {
      assertThat(client.auth.ping(PingRequest.getDefaultInstance()).getClusterName())
          .isEqualTo("sim.example.com");
    }
    assertThat(cluster.seenClientCertificates())
        .anySatisfy(
            seen -> {
              assertThat(seen.serialNumber()).isEqualTo(written.certificate().getSerialNumber());
              assertThat(seen.mode()).isEqualTo(ClientRoute.PROXY);
            });
    assertThat(cluster.authAlpnProtocol())
        .isEqualTo(
            "teleport-auth@"
                + HexFormat.of().formatHex("sim.example.com".getBytes(StandardCharsets.UTF_8))
                + ".teleport.cluster.local");
  }

  @Test
  void proxyRefusesAHandshakeWithoutTheAuthProtocol() throws Exception {
    String wrongCluster =
        "teleport-auth@"
            + HexFormat.of().formatHex("other.example.com".getBytes(StandardCharsets.UTF_8))
            + ".teleport.cluster.local";
    for (List<String> alpn : List.of(List.of("h2"), List.of(wrongCluster, "h2"))) {
      assertThatThrownBy(() -> handshake(cluster.proxySocketAddress(), alpn))
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessageContaining("no_application_protocol");
    }
    try (TestClient client =
        TestClient.connect(cluster.proxySocketAddress(), identity, List.of("h2"))) {
      assertThatThrownBy(() -> client.auth.ping(PingRequest.getDefaultInstance()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }
  }

  @Test
  void clientCertificateFromAnotherCaIsRefused() throws Exception {
    WrittenIdentity foreign =
        cluster.writeIdentity(
            dir.resolve("foreign"), IdentityOptions.defaults().signedByForeignCa());
    try (TestClient client = TestClient.direct(cluster, foreign.file())) {
      assertThatThrownBy(() -> client.auth.ping(PingRequest.getDefaultInstance()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                // Teleport's Go TLS refuses it with this alert, whichever TLS the simulator runs.
                assertThat(causes(e).toLowerCase(Locale.ROOT)).contains("bad_certificate");
              });
    }
    assertThat(cluster.seenClientCertificates())
        .noneSatisfy(
            seen ->
                assertThat(seen.serialNumber()).isEqualTo(foreign.certificate().getSerialNumber()));
  }

  @Test
  void expiredIdentityIsRefused() throws Exception {
    Instant now = Instant.now();
    WrittenIdentity expired =
        cluster.writeIdentity(
            dir.resolve("expired"),
            IdentityOptions.defaults()
                .withValidity(now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1))));
    assertThat(expired.certificate().getNotAfter().toInstant()).isBefore(now);
    try (TestClient client = TestClient.direct(cluster, expired.file())) {
      assertThatThrownBy(() -> client.auth.ping(PingRequest.getDefaultInstance()))
          .isInstanceOf(StatusRuntimeException.class);
    }
  }

  @ParameterizedTest
  @EnumSource(KeyFormat.class)
  void identityFileHasTeleportsLayoutAndWorks(KeyFormat format) throws Exception {
    Path file = dir.resolve("identity-" + format);
    WrittenIdentity written =
        cluster.writeIdentity(file, IdentityOptions.defaults().withKeyFormat(format));
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PrivateFiles.FILE_MODE);
    List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
    String keyType =
        switch (format) {
          case RSA_PKCS1 -> "RSA PRIVATE KEY";
          case EC_SEC1 -> "EC PRIVATE KEY";
          case RSA_PKCS8, EC_PKCS8 -> "PRIVATE KEY";
        };
    assertThat(lines.get(0)).isEqualTo("-----BEGIN " + keyType + "-----");
    int keyEnd = lines.indexOf("-----END " + keyType + "-----");
    String sshCert = lines.get(keyEnd + 1);
    assertThat(sshCert)
        .matches(
            (format == KeyFormat.RSA_PKCS1 || format == KeyFormat.RSA_PKCS8
                    ? "ssh-rsa-cert-v01@openssh\\.com"
                    : "ecdsa-sha2-nistp256-cert-v01@openssh\\.com")
                + " AAAA[A-Za-z0-9+/=]+");
    assertThat(lines.get(keyEnd + 2)).isEqualTo("-----BEGIN CERTIFICATE-----");
    assertThat(lines)
        .filteredOn(line -> line.startsWith("@cert-authority"))
        .singleElement()
        .asString()
        .matches(
            "@cert-authority sim\\.example\\.com,\\*\\.sim\\.example\\.com"
                + " ecdsa-sha2-nistp256 AAAA[A-Za-z0-9+/=]+ type=host");
    String text = Files.readString(file);
    List<X509Certificate> certificates = Pem.readCertificates(text, "identity");
    assertThat(certificates).hasSize(2);
    assertThat(certificates.get(0)).isEqualTo(written.certificate());
    assertThat(certificates.get(0).getSubjectX500Principal().getName())
        .contains("CN=teleport-event-handler");
    assertThat(certificates.get(0).getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.2");
    assertThat(certificates.get(1)).isEqualTo(cluster.hostCaCertificate());
    assertThat(certificates.get(1).getSubjectX500Principal().getName())
        .isEqualTo("CN=sim.example.com,O=sim.example.com");
    try (TestClient client = TestClient.direct(cluster, file)) {
      assertThat(client.auth.ping(PingRequest.getDefaultInstance()).getClusterName())
          .isEqualTo("sim.example.com");
    }
  }

  @Test
  void rewrittenIdentityIsUsedByTheNextConnection() throws Exception {
    Path file = dir.resolve("rotating");
    WrittenIdentity first = cluster.writeIdentity(file);
    try (TestClient client = TestClient.direct(cluster, file)) {
      client.auth.ping(PingRequest.getDefaultInstance());
    }
    WrittenIdentity second = cluster.writeIdentity(file);
    assertThat(second.certificate().getSerialNumber())
        .isNotEqualTo(first.certificate().getSerialNumber());
    try (TestClient client = TestClient.direct(cluster, file)) {
      client.auth.ping(PingRequest.getDefaultInstance());
    }
    List<SeenCertificate> seen = cluster.seenClientCertificates();
    assertThat(seen.get(seen.size() - 1).serialNumber())
        .isEqualTo(second.certificate().getSerialNumber());
    assertThat(seen)
        .anySatisfy(
            s -> assertThat(s.serialNumber()).isEqualTo(first.certificate().getSerialNumber()));
  }

  @Test
  void keyPairFilesWork() throws Exception {
    KeyPairFiles files = cluster.writeKeyPair(dir.resolve("tls"), IdentityOptions.defaults());
    for (Path file : List.of(files.certificateFile(), files.keyFile(), files.caFile())) {
      assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PrivateFiles.FILE_MODE);
    }
    assertThat(files.certificateFile().getFileName().toString()).isEqualTo("auth.crt");
    // Put the trio together as an identity-like file for the test client.
    Path combined = dir.resolve("combined");
    Files.writeString(
        combined,
        Files.readString(files.keyFile())
            + Files.readString(files.certificateFile())
            + Files.readString(files.caFile()));
    try (TestClient client = TestClient.direct(cluster, combined)) {
      client.auth.ping(PingRequest.getDefaultInstance());
    }
    assertThat(Pem.readCertificates(files.caFile())).containsExactly(cluster.hostCaCertificate());
  }

  @Test
  void upsertLockIsRecorded() throws Exception {
    LockV2 lock =
        LockV2.newBuilder()
            .setMetadata(Metadata.newBuilder().setName("event-handler-auto-lock-alice-"))
            .setSpec(
                LockSpecV2.newBuilder()
                    .setTarget(LockTarget.newBuilder().setUser("alice"))
                    .setMessage("User is locked due to too many failed login attempts"))
            .build();
    try (TestClient client = TestClient.direct(cluster, identity)) {
      client.auth.upsertLock(lock);
      assertThatThrownBy(() -> client.auth.upsertLock(LockV2.getDefaultInstance()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    }
    assertThat(cluster.locks()).contains(lock);
  }

  @Test
  void droppedConnectionsAreReopenedByTheClient() throws Exception {
    try (TestClient client = TestClient.direct(cluster, identity)) {
      client.auth.ping(PingRequest.getDefaultInstance());
      int seenBefore = cluster.seenClientCertificates().size();
      assertThat(cluster.openAuthConnections()).isPositive();
      assertThat(cluster.dropConnections()).isPositive();
      await().atMost(Duration.ofSeconds(5)).until(() -> cluster.openAuthConnections() == 0);
      await()
          .atMost(Duration.ofSeconds(10))
          .ignoreExceptions()
          .until(() -> client.auth.ping(PingRequest.getDefaultInstance()) != null);
      assertThat(cluster.seenClientCertificates().size()).isGreaterThan(seenBefore);
    }
  }

  @Test
  void webApiPingAnswersWithTheClusterName() throws Exception {
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(
        null,
        new TrustManager[] {KeyStores.trustManager(List.of(cluster.webCaCertificate()))},
        null);
    HttpClient http =
        HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("https://" + cluster.proxyAddress() + "/webapi/ping"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"cluster_name\":\"sim.example.com\"");
    assertThat(response.body()).contains("\"server_version\":\"16.4.12\"");
  }

  /** A bare TLS handshake with the identity's credentials and the given ALPN offer. */
  static void handshake(InetSocketAddress address, List<String> alpn) throws Exception {
    String text = Files.readString(identity);
    PrivateKey key = Pem.readPrivateKey(text, "identity", null);
    List<X509Certificate> certificates = Pem.readCertificates(text, "identity");
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(
        new KeyManager[] {KeyStores.keyManager(key, certificates.subList(0, 1))},
        new TrustManager[] {KeyStores.trustManager(certificates.subList(1, certificates.size()))},
        null);
    try (SSLSocket socket =
        (SSLSocket) tls.getSocketFactory().createSocket(address.getAddress(), address.getPort())) {
      socket.setSoTimeout(5_000);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setApplicationProtocols(alpn.toArray(String[]::new));
      socket.setSSLParameters(parameters);
      socket.startHandshake();
    }
  }

  private static String causes(Throwable t) {
    StringBuilder text = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      text.append(c).append('\n');
    }
    return text.toString();
  }
}
