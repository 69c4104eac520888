package eventhandler.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real tinyproxy: CONNECT tunnels to loopback ports, Basic credentials when asked for. */
class TinyproxyTest {
  private TcpEchoServer echo;

  @BeforeEach
  void startEcho() {
    Middleboxes.requireTinyproxy();
    echo = TcpEchoServer.start();
  }

  @AfterEach
  void stopEcho() throws IOException {
    if (echo != null) {
      echo.close();
    }
  }

  @Test
  void tunnelsAConnectToAnyLoopbackPort() throws IOException {
    try (Tinyproxy proxy = Tinyproxy.start();
        Socket socket = connect(proxy)) {
      RawHttp.send(socket.getOutputStream(), connectRequest(""));

      assertThat(RawHttp.readHead(socket.getInputStream()))
          .as(proxy::report)
          .matches("HTTP/1\\.[01] 200 (?s).*");
      RawHttp.send(socket.getOutputStream(), "through the tunnel");
      assertThat(RawHttp.readText(socket.getInputStream(), 18)).isEqualTo("through the tunnel");
      assertThat(proxy.connectRequests()).containsExactly(echo.address());
      assertThat(proxy.url()).isEqualTo("http://127.0.0.1:" + proxy.port());
    }
  }

  @Test
  void answers407ToAConnectWithoutCredentials() throws IOException {
    try (Tinyproxy proxy = Tinyproxy.startWithCredentials("alice", "s3cret");
        Socket socket = connect(proxy)) {
      RawHttp.send(socket.getOutputStream(), connectRequest(""));

      assertThat(RawHttp.readHead(socket.getInputStream()))
          .as(proxy::report)
          .matches("HTTP/1\\.[01] 407 (?s).*");
      assertThat(echo.connections()).isZero();
      assertThat(proxy.connectRequests()).containsExactly(echo.address());
    }
  }

  @Test
  void refusesAConnectWithWrongCredentials() throws IOException {
    try (Tinyproxy proxy = Tinyproxy.startWithCredentials("alice", "s3cret");
        Socket socket = connect(proxy)) {
      RawHttp.send(socket.getOutputStream(), connectRequest(basic("alice:wrong")));

      // tinyproxy 1.11 answers wrong credentials with 401, not 407 (older and newer may differ).
      assertThat(RawHttp.readHead(socket.getInputStream())).matches("HTTP/1\\.[01] 40[17] (?s).*");
      assertThat(echo.connections()).isZero();
    }
  }

  @Test
  void tunnelsAConnectWithItsCredentials() throws IOException {
    try (Tinyproxy proxy = Tinyproxy.startWithCredentials("alice", "s3cret");
        Socket socket = connect(proxy)) {
      RawHttp.send(socket.getOutputStream(), connectRequest(basic("alice:s3cret")));

      assertThat(RawHttp.readHead(socket.getInputStream()))
          .as(proxy::report)
          .matches("HTTP/1\\.[01] 200 (?s).*");
      RawHttp.send(socket.getOutputStream(), "authorized");
      assertThat(RawHttp.readText(socket.getInputStream(), 10)).isEqualTo("authorized");
      assertThat(proxy.url()).isEqualTo("http://alice:s3cret@127.0.0.1:" + proxy.port());
      assertThat(proxy.urlWithoutCredentials()).isEqualTo("http://127.0.0.1:" + proxy.port());
    }
  }

  private String connectRequest(String extraHeaders) {
    return "CONNECT "
        + echo.address()
        + " HTTP/1.1\r\nHost: "
        + echo.address()
        + "\r\n"
        + extraHeaders
        + "\r\n";
  }

  private static String basic(String credentials) {
    return "Proxy-Authorization: Basic "
        + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8))
        + "\r\n";
  }

  private static Socket connect(Tinyproxy proxy) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress(FreePorts.LOOPBACK, proxy.port()), 5000);
    socket.setSoTimeout(10_000);
    return socket;
  }
}
