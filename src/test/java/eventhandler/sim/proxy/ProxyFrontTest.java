package eventhandler.sim.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventhandler.sim.SimulatedCluster;
import eventhandler.testing.RawHttpsClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The front's TLS: ALPN teleport-reversetunnel, any SNI, the web certificate's names. */
class ProxyFrontTest {
  static SimulatedCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = SimulatedCluster.builder().events(1).build().start();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void theBareFrontNegotiatesTheReverseTunnelWithTheWebCertificateAndHandsItToSsh()
      throws Exception {
    long before = cluster.reverseTunnelConnections();
    try (SSLSocket socket =
        handshake(
            cluster.proxySocketAddress(),
            cluster.webCaCertificate(),
            "localhost",
            List.of("teleport-reversetunnel"))) {
      // What a client's "is there an L7 load balancer?" test dial looks at.
      assertThat(socket.getApplicationProtocol()).isEqualTo("teleport-reversetunnel");
      X509Certificate peer = (X509Certificate) socket.getSession().getPeerCertificates()[0];
      assertThat(peer.getIssuerX500Principal())
          .isEqualTo(cluster.webCaCertificate().getSubjectX500Principal());
      assertSshServerAnswers(socket);
    }
    assertThat(cluster.reverseTunnelConnections()).isEqualTo(before + 1);
  }

  @Test
  void insideAnUpgradeTheReverseTunnelShowsAHostCertificate() throws Exception {
    long before = cluster.reverseTunnelConnections();
    try (UpgradeBridge bridge = UpgradeBridge.webSocket(cluster, "alpn-ping", true);
        SSLSocket socket =
            handshake(
                bridge.address(),
                cluster.hostCaCertificate(),
                "localhost",
                List.of("teleport-reversetunnel"))) {
      assertThat(socket.getApplicationProtocol()).isEqualTo("teleport-reversetunnel");
      X509Certificate peer = (X509Certificate) socket.getSession().getPeerCertificates()[0];
      assertThat(peer.getIssuerX500Principal())
          .isEqualTo(cluster.hostCaCertificate().getSubjectX500Principal());
      assertSshServerAnswers(socket);
    }
    assertThat(cluster.reverseTunnelConnections()).isEqualTo(before + 1);
    assertThat(cluster.connectionUpgrades(UpgradeType.WEBSOCKET_ALPN_PING)).isPositive();
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost", "teleport.example.com", "anything.at.all"})
  void anySniIsAcceptedOnTheWebApi(String serverName) throws Exception {
    try (SSLSocket socket =
        handshake(
            cluster.proxySocketAddress(), cluster.webCaCertificate(), serverName, List.of())) {
      assertThat(socket.getSession().isValid()).isTrue();
    }
  }

  @Test
  void theWebCertificateIsValidForLocalhostAndTheLoopbackAddress() throws Exception {
    for (String host : List.of("localhost", "127.0.0.1")) {
      try (SSLSocket socket =
          handshakeVerifyingHost(cluster.proxySocketAddress(), cluster.webCaCertificate(), host)) {
        assertThat(socket.getSession().isValid()).isTrue();
      }
    }
  }

  @Test
  void anUnknownAlpnListStillGetsTheFatalAlert() {
    assertThatThrownBy(
            () ->
                handshake(
                        cluster.proxySocketAddress(),
                        cluster.webCaCertificate(),
                        "localhost",
                        List.of("teleport-proxy-ssh", "h2"))
                    .close())
        .isInstanceOf(SSLHandshakeException.class)
        .hasMessageContaining("no_application_protocol");
  }

  /** Behind the tunnel's ALPN is the simulator's SSH server: it greets with its version line. */
  private static void assertSshServerAnswers(SSLSocket socket) throws IOException {
    socket.getOutputStream().write("SSH-2.0-test\r\n".getBytes());
    socket.getOutputStream().flush();
    socket.setSoTimeout(10_000);
    byte[] greeting = socket.getInputStream().readNBytes(8);
    assertThat(new String(greeting, StandardCharsets.US_ASCII)).isEqualTo("SSH-2.0-");
  }

  private static SSLSocket handshake(
      InetSocketAddress address, X509Certificate ca, String serverName, List<String> alpn)
      throws Exception {
    SSLSocket socket = socket(address, ca);
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setServerNames(List.of(new SNIHostName(serverName)));
    parameters.setApplicationProtocols(alpn.toArray(String[]::new));
    socket.setSSLParameters(parameters);
    socket.startHandshake();
    return socket;
  }

  /** A handshake that checks the certificate names {@code host}, as an HTTPS client does. */
  private static SSLSocket handshakeVerifyingHost(
      InetSocketAddress address, X509Certificate ca, String host) throws Exception {
    SSLSocket socket = socket(address, ca);
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    if (!host.equals("127.0.0.1")) {
      parameters.setServerNames(List.of(new SNIHostName(host)));
    }
    socket.setSSLParameters(parameters);
    socket.startHandshake();
    return socket;
  }

  private static SSLSocket socket(InetSocketAddress address, X509Certificate ca) throws Exception {
    SSLContext tls = RawHttpsClient.trusting(ca);
    // Connected by address: the name a check uses comes from the SNI set afterwards.
    SSLSocket socket =
        (SSLSocket) tls.getSocketFactory().createSocket(address.getAddress(), address.getPort());
    socket.setSoTimeout(5_000);
    return socket;
  }
}
