package eventhandler.sim.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import eventhandler.sim.SimulatedCluster;
import eventhandler.sim.TestClient;
import eventhandler.sim.auth.ClientRoute;
import eventhandler.sim.pki.WrittenIdentity;
import eventhandler.teleport.proto.auth.PingRequest;
import eventhandler.testing.RawHttpsClient;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code /webapi/connectionupgrade}: the HTTP answers, and Auth reached through each kind. */
class ConnectionUpgradeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration PING_INTERVAL = Duration.ofMillis(100);

  @TempDir Path dir;
  SimulatedCluster cluster;
  Path identity;
  SSLContext web;

  @BeforeEach
  void start() throws Exception {
    cluster = SimulatedCluster.builder().events(10).upgradePingInterval(PING_INTERVAL).build();
    cluster.start();
    identity = cluster.writeIdentity(dir.resolve("identity")).file();
    web = RawHttpsClient.trusting(cluster.webCaCertificate());
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  // --- the HTTP exchange ---------------------------------------------------------------------

  @Test
  void webSocketUpgradeAnswers101WithTheAcceptOfRfc6455() throws Exception {
    // The worked example of RFC 6455 section 1.3.
    RawHttpsClient.Response response =
        upgrade(webSocketHeaders("dGhlIHNhbXBsZSBub25jZQ==", "alpn"));
    assertThat(response.status()).isEqualTo(101);
    assertThat(response.headers().get("upgrade")).isEqualToIgnoringCase("websocket");
    assertThat(response.headers().get("connection")).isEqualTo("Upgrade");
    assertThat(response.headers().get("sec-websocket-accept"))
        .isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    assertThat(response.headers().get("sec-websocket-protocol")).isEqualTo("alpn");
    assertThat(cluster.connectionUpgrades(UpgradeType.WEBSOCKET_ALPN)).isEqualTo(1);

    String key = randomKey();
    RawHttpsClient.Response second = upgrade(webSocketHeaders(key, "alpn"));
    assertThat(second.headers().get("sec-websocket-accept")).isEqualTo(acceptOf(key));
  }

  @Test
  void alpnPingIsChosenWhenOffered() throws Exception {
    RawHttpsClient.Response both = upgrade(webSocketHeaders(randomKey(), "alpn, alpn-ping"));
    assertThat(both.headers().get("sec-websocket-protocol")).isEqualTo("alpn-ping");
    assertThat(cluster.connectionUpgrades(UpgradeType.WEBSOCKET_ALPN_PING)).isEqualTo(1);
  }

  @Test
  void theGoClientsRequestGetsAWebSocketUpgrade() throws Exception {
    // Teleport's client asks for websocket and, for older proxies, the legacy type as well.
    String key = randomKey();
    RawHttpsClient.Response response =
        upgrade(
            List.of(
                "Upgrade: websocket",
                "Upgrade: alpn-ping",
                "X-Teleport-Upgrade: alpn-ping",
                "Connection: Upgrade",
                "Sec-WebSocket-Protocol: alpn-ping",
                "Sec-WebSocket-Version: 13",
                "Sec-WebSocket-Key: " + key));
    assertThat(response.status()).isEqualTo(101);
    assertThat(response.headers().get("upgrade")).isEqualTo("websocket");
    assertThat(response.headers().get("sec-websocket-accept")).isEqualTo(acceptOf(key));
    assertThat(response.headers().get("sec-websocket-protocol")).isEqualTo("alpn-ping");
  }

  @Test
  void legacyUpgradeAnswers101WithTeleportsHeaders() throws Exception {
    for (List<String> headers :
        List.of(
            List.of("Upgrade: alpn", "Connection: Upgrade"), List.of("X-Teleport-Upgrade: alpn"))) {
      RawHttpsClient.Response response = upgrade(headers);
      assertThat(response.status()).isEqualTo(101);
      assertThat(response.headers())
          .containsEntry("upgrade", "alpn")
          .containsEntry("x-teleport-upgrade", "alpn")
          .containsEntry("connection", "Upgrade")
          .doesNotContainKey("sec-websocket-accept");
    }
    assertThat(cluster.connectionUpgrades(UpgradeType.LEGACY_ALPN)).isEqualTo(2);
  }

  @Test
  void theServerPrefersWebSocketThenAlpnPingThenAlpn() throws Exception {
    RawHttpsClient.Response ping =
        upgrade(List.of("Upgrade: alpn", "X-Teleport-Upgrade: alpn-ping"));
    assertThat(ping.headers()).containsEntry("upgrade", "alpn-ping");

    List<String> webSocketAndAlpn = new ArrayList<>(webSocketHeaders(randomKey(), "alpn"));
    webSocketAndAlpn.add("X-Teleport-Upgrade: alpn");
    assertThat(upgrade(webSocketAndAlpn).headers()).containsEntry("upgrade", "websocket");
    assertThat(cluster.connectionUpgrades(UpgradeType.LEGACY_ALPN_PING)).isEqualTo(1);
    assertThat(cluster.connectionUpgrades(UpgradeType.WEBSOCKET_ALPN)).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "no upgrade type|404|Connection: Upgrade|unsupported upgrade types: []",
        "unknown type|404|Upgrade: h2c|unsupported upgrade types: [h2c]",
        "key of 15 bytes|400|Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAA|Sec-WebSocket-Key",
        "key not base64|400|Sec-WebSocket-Key: !!!!!!!!!!!!!!!!!!!!!!==|Sec-WebSocket-Key",
        "version 8|400|Sec-WebSocket-Version: 8|unsupported version",
        "no Connection upgrade|400|Connection: keep-alive|'upgrade' token not found",
      })
  void badRequestsAreRefusedWithAJsonError(String name, int status, String header, String message)
      throws Exception {
    List<String> headers = new ArrayList<>();
    boolean webSocket = !name.contains("type");
    if (webSocket) {
      String headerName = header.substring(0, header.indexOf(':'));
      for (String line : webSocketHeaders(randomKey(), "alpn")) {
        if (!line.startsWith(headerName + ":")) {
          headers.add(line);
        }
      }
    }
    headers.add(header);
    RawHttpsClient.Response response = upgrade(headers);
    assertThat(response.status()).isEqualTo(status);
    assertThat(response.headers().get("content-type")).isEqualTo("application/json");
    assertThat(JSON.readTree(response.body()).path("error").path("message").asText())
        .contains(message);
    if (status == 400) {
      assertThat(response.headers()).containsEntry("sec-websocket-version", "13");
    }
    assertThat(cluster.refusedConnectionUpgrades()).isEqualTo(1);
    assertThat(cluster.connectionUpgrades(UpgradeType.WEBSOCKET_ALPN)).isZero();
  }

  @Test
  void anythingButGetIsNotAllowed() throws Exception {
    try (RawHttpsClient client = new RawHttpsClient(web, cluster.proxySocketAddress().getPort())) {
      RawHttpsClient.Response response =
          client.request(
              "POST", UpgradeRequest.PATH, webSocketHeaders(randomKey(), "alpn"), new byte[0]);
      assertThat(response.status()).isEqualTo(405);
      assertThat(JSON.readTree(response.body()).path("error").path("message").asText())
          .contains("send GET");
      // A refusal keeps the connection: the web API still answers on it.
      assertThat(client.request("GET", "/webapi/find", List.of(), new byte[0]).status())
          .isEqualTo(200);
    }
  }

  @Test
  void aWebSocketWithoutAKnownSubProtocolIsAcceptedThenClosed() throws Exception {
    try (RawHttpsClient client = new RawHttpsClient(web, cluster.proxySocketAddress().getPort())) {
      RawHttpsClient.Response response =
          client.request(
              "GET", UpgradeRequest.PATH, webSocketHeaders(randomKey(), "chat"), new byte[0]);
      assertThat(response.status()).isEqualTo(101);
      assertThat(response.headers()).doesNotContainKey("sec-websocket-protocol");
      assertThat(client.closedByServer()).isTrue();
    }
  }

  @Test
  void upgradesSwitchedOffAnswer404AndTheRestOfTheWebApiStays() throws Exception {
    try (SimulatedCluster off =
        SimulatedCluster.builder().events(1).connectionUpgrade(false).build().start()) {
      SSLContext tls = RawHttpsClient.trusting(off.webCaCertificate());
      try (RawHttpsClient client = new RawHttpsClient(tls, off.proxySocketAddress().getPort())) {
        RawHttpsClient.Response response =
            client.request(
                "GET", UpgradeRequest.PATH, webSocketHeaders(randomKey(), "alpn"), new byte[0]);
        assertThat(response.status()).isEqualTo(404);
        assertThat(client.request("GET", "/webapi/find", List.of(), new byte[0]).status())
            .isEqualTo(200);
      }
      assertThat(off.connectionUpgrades(UpgradeType.WEBSOCKET_ALPN)).isZero();
    }
  }

  // --- Auth through the upgrade --------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"alpn", "alpn-ping"})
  void grpcReachesAuthThroughAWebSocketUpgrade(String subProtocol) throws Exception {
    WrittenIdentity written = cluster.writeIdentity(dir.resolve("ws-" + subProtocol));
    try (UpgradeBridge bridge = UpgradeBridge.webSocket(cluster, subProtocol, true);
        TestClient client = viaBridge(bridge, written.file())) {
      assertThat(client.auth.ping(PingRequest.getDefaultInstance()).getClusterName())
          .isEqualTo(cluster.clusterName());
      assertThat(bridge.failures).isEmpty();
    }
    assertThat(cluster.seenClientCertificates())
        .anySatisfy(
            seen -> {
              assertThat(seen.serialNumber()).isEqualTo(written.certificate().getSerialNumber());
              assertThat(seen.mode()).isEqualTo(ClientRoute.PROXY_UPGRADE_WEBSOCKET);
            });
    UpgradeType type =
        subProtocol.equals("alpn") ? UpgradeType.WEBSOCKET_ALPN : UpgradeType.WEBSOCKET_ALPN_PING;
    assertThat(cluster.connectionUpgrades(type)).isEqualTo(1);
  }

  @Test
  void alpnPingSendsTeleportPingsAndCountsThePongs() throws Exception {
    try (UpgradeBridge bridge = UpgradeBridge.webSocket(cluster, "alpn-ping", true);
        TestClient client = viaBridge(bridge, identity)) {
      client.auth.ping(PingRequest.getDefaultInstance());
      await().atMost(Duration.ofSeconds(10)).until(() -> cluster.upgradePongsReceived() >= 3);
      assertThat(bridge.pings).hasSizeGreaterThanOrEqualTo(3).containsOnly("teleport");
      assertThat(cluster.upgradePingsSent()).isGreaterThanOrEqualTo(3);
      // The connection carried on: the same one answers again.
      int seen = cluster.seenClientCertificates().size();
      client.auth.ping(PingRequest.getDefaultInstance());
      assertThat(cluster.seenClientCertificates()).hasSize(seen);
    }
  }

  @Test
  void plainAlpnGetsNoPings() throws Exception {
    try (UpgradeBridge bridge = UpgradeBridge.webSocket(cluster, "alpn", true);
        TestClient client = viaBridge(bridge, identity)) {
      client.auth.ping(PingRequest.getDefaultInstance());
      Thread.sleep(PING_INTERVAL.multipliedBy(5).toMillis());
      assertThat(bridge.pings).isEmpty();
      assertThat(cluster.upgradePingsSent()).isZero();
    }
  }

  @Test
  void aClientThatNeverAnswersPingsIsNotCutOff() throws Exception {
    try (UpgradeBridge bridge = UpgradeBridge.webSocket(cluster, "alpn-ping", false);
        TestClient client = viaBridge(bridge, identity)) {
      client.auth.ping(PingRequest.getDefaultInstance());
      int seen = cluster.seenClientCertificates().size();
      await().atMost(Duration.ofSeconds(10)).until(() -> bridge.pings.size() >= 5);
      client.auth.ping(PingRequest.getDefaultInstance());
      assertThat(cluster.seenClientCertificates()).hasSize(seen);
      assertThat(bridge.openUpgrades()).isEqualTo(1);
      assertThat(cluster.upgradePongsReceived()).isZero();
    }
  }

  @Test
  void aCloseFrameFromTheClientClosesTheStreamToAuth() throws Exception {
    try (UpgradeBridge bridge = UpgradeBridge.webSocket(cluster, "alpn", true);
        TestClient client = viaBridge(bridge, identity)) {
      client.auth.ping(PingRequest.getDefaultInstance());
      assertThat(cluster.openAuthConnections()).isEqualTo(1);
      bridge.sendCloseFrames();
      await().atMost(Duration.ofSeconds(5)).until(() -> cluster.openAuthConnections() == 0);
      await().atMost(Duration.ofSeconds(5)).until(() -> bridge.openUpgrades() == 0);
      assertThat(bridge.closeFrames).containsExactly(1000); // the proxy echoed the close
    }
  }

  @Test
  void aClosedInnerStreamSendsACloseFrame() throws Exception {
    try (UpgradeBridge bridge = UpgradeBridge.webSocket(cluster, "alpn", true);
        Socket socket = new Socket(bridge.address().getAddress(), bridge.address().getPort())) {
      socket.setSoTimeout(5_000);
      // Not TLS: the router inside the upgrade closes the stream, as the front closes a socket.
      socket.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
      await().atMost(Duration.ofSeconds(5)).until(() -> !bridge.closeFrames.isEmpty());
      assertThat(bridge.closeFrames).containsExactly(1000);
    }
  }

  @ParameterizedTest
  @CsvSource({"alpn,LEGACY_ALPN", "alpn-ping,LEGACY_ALPN_PING"})
  void grpcReachesAuthThroughALegacyUpgrade(String type, UpgradeType expected) throws Exception {
    WrittenIdentity written = cluster.writeIdentity(dir.resolve("legacy-" + type));
    try (UpgradeBridge bridge = UpgradeBridge.legacy(cluster, type);
        TestClient client = viaBridge(bridge, written.file())) {
      assertThat(client.auth.ping(PingRequest.getDefaultInstance()).getClusterName())
          .isEqualTo(cluster.clusterName());
      if (expected.pings()) {
        await().atMost(Duration.ofSeconds(10)).until(() -> bridge.legacyPings.get() >= 2);
        assertThat(cluster.upgradePingsSent()).isGreaterThanOrEqualTo(2);
        client.auth.ping(PingRequest.getDefaultInstance()); // pings did not disturb the stream
      } else {
        Thread.sleep(PING_INTERVAL.multipliedBy(3).toMillis());
        assertThat(bridge.legacyPings.get()).isZero();
      }
      assertThat(bridge.failures).isEmpty();
    }
    assertThat(cluster.seenClientCertificates())
        .anySatisfy(
            seen -> {
              assertThat(seen.serialNumber()).isEqualTo(written.certificate().getSerialNumber());
              assertThat(seen.mode()).isEqualTo(ClientRoute.PROXY_UPGRADE_LEGACY);
            });
    assertThat(cluster.connectionUpgrades(expected)).isEqualTo(1);
  }

  // --- helpers -------------------------------------------------------------------------------

  private TestClient viaBridge(UpgradeBridge bridge, Path identityFile) throws IOException {
    return TestClient.connect(
        bridge.address(), identityFile, List.of(cluster.authAlpnProtocol(), "h2"));
  }

  /** One request on a new connection; the answer's headers (the connection is then closed). */
  private RawHttpsClient.Response upgrade(List<String> headers) throws Exception {
    try (RawHttpsClient client = new RawHttpsClient(web, cluster.proxySocketAddress().getPort())) {
      return client.request("GET", UpgradeRequest.PATH, headers, new byte[0]);
    }
  }

  private static List<String> webSocketHeaders(String key, String subProtocols) {
    return List.of(
        "Upgrade: websocket",
        "Connection: Upgrade",
        "Sec-WebSocket-Version: 13",
        "Sec-WebSocket-Key: " + key,
        "Sec-WebSocket-Protocol: " + subProtocols);
  }

  private static String randomKey() {
    byte[] key = new byte[16];
    new SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  /** RFC 6455 section 4.2.2: base64 of the SHA-1 of the key and the protocol's GUID. */
  private static String acceptOf(String key) throws Exception {
    byte[] digest =
        MessageDigest.getInstance("SHA-1")
            .digest(
                (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
    return Base64.getEncoder().encodeToString(digest);
  }
}
