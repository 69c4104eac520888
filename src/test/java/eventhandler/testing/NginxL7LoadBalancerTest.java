package eventhandler.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real nginx in front of an HTTPS server: upgrades pass, or (misconfigured) do not. */
class NginxL7LoadBalancerTest {
  private static final String UPSTREAM_NAME = "proxy.example.test";
  private static final String ALPN_UPGRADE =
      "GET "
          + UpgradeEchoUpstream.ALPN_UPGRADE_PATH
          + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: alpn\r\nConnection: Upgrade\r\n\r\n";

  @TempDir Path dir;
  private LoopbackPki pki;
  private LoopbackPki.ServerIdentity lbCertificate;
  private UpgradeEchoUpstream upstream;

  @BeforeEach
  void startUpstream() {
    Middleboxes.requireNginx();
    pki = LoopbackPki.create(dir);
    lbCertificate = pki.localhostServer("lb");
    upstream = UpgradeEchoUpstream.start(pki.server("upstream", List.of(UPSTREAM_NAME)));
  }

  @AfterEach
  void stopUpstream() {
    if (upstream != null) {
      upstream.close();
    }
  }

  @Test
  void passesAWebSocketUpgradeToTheUpstream() throws Exception {
    try (Nginx lb = loadBalancer()) {
      BlockingQueue<String> received = new LinkedBlockingQueue<>();
      WebSocket socket =
          webSocketClient()
              .buildAsync(
                  URI.create("wss://" + lb.address() + UpgradeEchoUpstream.WEBSOCKET_PATH),
                  into(received))
              .get(10, TimeUnit.SECONDS);
      socket.sendText("hello through nginx", true).get(10, TimeUnit.SECONDS);

      assertThat(received.poll(10, TimeUnit.SECONDS))
          .as(lb::report)
          .isEqualTo("echo: hello through nginx");
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
      assertThat(lb.awaitAccessLogLine("\"GET /ws HTTP/1.1\" 101"))
          .contains("upgrade=\"websocket\"");
      UpgradeEchoUpstream.SeenRequest seen = upstream.requests().get(0);
      assertThat(seen.headers().get("Upgrade")).isEqualToIgnoringCase("websocket");
      assertThat(seen.headers().get("Connection")).isEqualToIgnoringCase("upgrade");
      assertThat(seen.serverName()).as("SNI nginx sent upstream").contains(UPSTREAM_NAME);
    }
  }

  @Test
  void passesARawAlpnUpgradeAndThenRawBytes() throws Exception {
    try (Nginx lb = loadBalancer()) {
      try (SSLSocket socket = connect(lb)) {
        RawHttp.send(socket.getOutputStream(), ALPN_UPGRADE);
        InputStream in = socket.getInputStream();

        assertThat(RawHttp.readHead(in))
            .as(lb::report)
            .startsWith("HTTP/1.1 101 ")
            .containsIgnoringCase("upgrade: alpn");
        RawHttp.send(socket.getOutputStream(), "not HTTP any more");
        assertThat(RawHttp.readText(in, 17)).isEqualTo("not HTTP any more");
      }
      // nginx logs the upgraded request once the connection has closed.
      assertThat(lb.awaitAccessLogLine("\"GET /webapi/connectionupgrade HTTP/1.1\" 101"))
          .contains("upgrade=\"alpn\"", "upstream=" + upstream.address());
    }
  }

  @Test
  void withoutUpgradesAWebSocketHandshakeFails() throws Exception {
    try (Nginx lb = misconfiguredLoadBalancer()) {
      assertThatThrownBy(
              () ->
                  webSocketClient()
                      .buildAsync(
                          URI.create("wss://" + lb.address() + UpgradeEchoUpstream.WEBSOCKET_PATH),
                          into(new LinkedBlockingQueue<>()))
                      .get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOfSatisfying(
              WebSocketHandshakeException.class,
              e -> assertThat(e.getResponse().statusCode()).isEqualTo(400));
      assertThat(upstream.requests())
          .singleElement()
          .satisfies(
              seen -> {
                assertThat(seen.headers().contains("Upgrade"))
                    .as("Upgrade reached the upstream")
                    .isFalse();
                assertThat(seen.headers().get("Connection")).isEqualToIgnoringCase("close");
              });
    }
  }

  @Test
  void withoutUpgradesARawAlpnUpgradeGetsThePlainAnswer() throws Exception {
    try (Nginx lb = misconfiguredLoadBalancer();
        SSLSocket socket = connect(lb)) {
      RawHttp.send(socket.getOutputStream(), ALPN_UPGRADE);

      assertThat(RawHttp.readHead(socket.getInputStream()))
          .as(lb::report)
          .startsWith("HTTP/1.1 400 ");
      assertThat(lb.awaitAccessLogLine("\"GET /webapi/connectionupgrade HTTP/1.1\" 400"))
          .contains("upgrade=\"alpn\"");
      assertThat(upstream.requests().get(0).headers().contains("Upgrade")).isFalse();
    }
  }

  private Nginx loadBalancer() {
    return Nginx.l7LoadBalancer(
        upstream.address(),
        UPSTREAM_NAME,
        lbCertificate.certificateFile(),
        lbCertificate.keyFile());
  }

  private Nginx misconfiguredLoadBalancer() {
    return Nginx.l7LoadBalancerWithoutUpgrades(
        upstream.address(),
        UPSTREAM_NAME,
        lbCertificate.certificateFile(),
        lbCertificate.keyFile());
  }

  private WebSocket.Builder webSocketClient() {
    return HttpClient.newBuilder().sslContext(pki.clientContext()).build().newWebSocketBuilder();
  }

  /** A TLS connection to the load balancer that checks its certificate names 127.0.0.1. */
  private SSLSocket connect(Nginx lb) throws IOException {
    SSLSocket socket =
        (SSLSocket) pki.clientContext().getSocketFactory().createSocket("127.0.0.1", lb.port());
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    socket.setSSLParameters(parameters);
    socket.setSoTimeout(10_000);
    socket.startHandshake();
    return socket;
  }

  private static WebSocket.Listener into(BlockingQueue<String> received) {
    return new WebSocket.Listener() {
      private final StringBuilder text = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
          received.add(text.toString());
          text.setLength(0);
        }
        socket.request(1);
        return null;
      }
    };
  }
}
