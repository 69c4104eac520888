package eventhandler.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real nginx stream router: TLS goes, unopened, to the upstream its SNI names. */
class NginxSniRouterTest {
  @TempDir Path dir;
  private LoopbackPki pki;
  private TlsNameServer alpha;
  private TlsNameServer beta;

  @BeforeEach
  void startUpstreams() {
    Middleboxes.requireNginxStream();
    pki = LoopbackPki.create(dir);
    alpha =
        TlsNameServer.start(pki.server("alpha", List.of("alpha.test")).serverContext(), "alpha");
    beta = TlsNameServer.start(pki.server("beta", List.of("beta.test")).serverContext(), "beta");
  }

  @AfterEach
  void stopUpstreams() throws IOException {
    if (alpha != null) {
      alpha.close();
    }
    if (beta != null) {
      beta.close();
    }
  }

  @Test
  void routesEachServerNameToItsUpstreamWithoutEndingTls() throws IOException {
    try (Nginx router =
        Nginx.sniRouter(Map.of("alpha.test", alpha.address(), "beta.test", beta.address()))) {
      assertThat(greeting(router, "alpha.test"))
          .as(router::report)
          .isEqualTo("alpha served CN=alpha.test");
      assertThat(greeting(router, "beta.test")).isEqualTo("beta served CN=beta.test");
      assertThat(greeting(router, "ALPHA.test"))
          .as("names match ignoring case")
          .startsWith("alpha ");

      assertThat(router.awaitAccessLogLine("sni=\"beta.test\""))
          .contains("upstream=" + beta.address(), "status=200");
    }
  }

  @Test
  void closesTheConnectionForAnUnknownName() {
    try (Nginx router = Nginx.sniRouter(Map.of("alpha.test", alpha.address()))) {
      assertThatThrownBy(() -> greeting(router, "gamma.test")).isInstanceOf(IOException.class);

      assertThat(router.awaitAccessLogLine("sni=\"gamma.test\""))
          .contains("upstream=unix:", "status=502");
    }
  }

  /** What the upstream said over TLS for {@code serverName}, and whose certificate it showed. */
  private String greeting(Nginx router, String serverName) throws IOException {
    Socket plain = new Socket();
    plain.connect(new InetSocketAddress(FreePorts.LOOPBACK, router.port()), 5000);
    plain.setSoTimeout(5000);
    // Layered over the router's socket, named serverName: SNI and hostname check use that name.
    try (SSLSocket tls =
        (SSLSocket)
            pki.clientContext()
                .getSocketFactory()
                .createSocket(plain, serverName, router.port(), true)) {
      SSLParameters parameters = tls.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      tls.setSSLParameters(parameters);
      tls.startHandshake();
      X509Certificate peer = (X509Certificate) tls.getSession().getPeerCertificates()[0];
      String line =
          new BufferedReader(new InputStreamReader(tls.getInputStream(), StandardCharsets.US_ASCII))
              .readLine();
      return line + " served " + peer.getSubjectX500Principal().getName();
    }
  }
}
