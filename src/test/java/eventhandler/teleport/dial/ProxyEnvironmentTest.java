package eventhandler.teleport.dial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** HTTPS_PROXY, HTTP_PROXY and NO_PROXY as Go's httpproxy reads them for Teleport's client. */
class ProxyEnvironmentTest {
  private static Optional<HttpProxy> proxy(Map<String, String> env, String host, int port)
      throws DialException {
    return ProxyEnvironment.from(env).proxyFor(host, port);
  }

  private static boolean proxied(String noProxy, String host, int port) throws DialException {
    return proxy(Map.of("HTTPS_PROXY", "http://proxy.corp:3128", "NO_PROXY", noProxy), host, port)
        .isPresent();
  }

  @Test
  void httpsProxyWinsOverHttpProxyAndUpperCaseOverLowerCase() throws Exception {
    Map<String, String> env =
        Map.of(
            "HTTPS_PROXY", "http://upper:1",
            "https_proxy", "http://lower:2",
            "HTTP_PROXY", "http://plain:3");
    assertThat(proxy(env, "teleport.example.com", 443))
        .get()
        .extracting(HttpProxy::host)
        .isEqualTo("upper");
    assertThat(
            proxy(
                Map.of("https_proxy", "http://lower:2", "HTTP_PROXY", "http://plain:3"),
                "t.example.com",
                443))
        .get()
        .extracting(HttpProxy::host)
        .isEqualTo("lower");
    assertThat(proxy(Map.of("HTTP_PROXY", "plain:3"), "t.example.com", 443))
        .get()
        .satisfies(
            p -> {
              assertThat(p.scheme()).isEqualTo("http");
              assertThat(p.port()).isEqualTo(3);
            });
    assertThat(proxy(Map.of(), "t.example.com", 443)).isEmpty();
  }

  @Test
  void neverForLocalhostOrLoopback() throws Exception {
    assertThat(proxied("", "localhost", 3080)).isFalse();
    assertThat(proxied("", "127.0.0.1", 3080)).isFalse();
    assertThat(proxied("", "127.8.9.10", 3080)).isFalse();
    assertThat(proxied("", "::1", 3080)).isFalse();
    assertThat(proxied("", "[::1]", 3080)).isFalse();
    assertThat(proxied("", "teleport.example.com", 443)).isTrue();
  }

  @Test
  void noProxyDomainsSuffixesAndWildcards() throws Exception {
    assertThat(proxied("example.com", "example.com", 443)).isFalse();
    assertThat(proxied("example.com", "teleport.example.com", 443)).isFalse();
    assertThat(proxied("example.com", "notexample.com", 443)).isTrue();
    assertThat(proxied(".example.com", "example.com", 443)).isTrue();
    assertThat(proxied(".example.com", "a.example.com", 443)).isFalse();
    assertThat(proxied("*.example.com", "example.com", 443)).isTrue();
    assertThat(proxied("*.example.com", "a.example.com", 443)).isFalse();
    assertThat(proxied(" other.org , EXAMPLE.com ", "Teleport.Example.COM", 443)).isFalse();
    assertThat(proxied("*", "anything.at.all", 443)).isFalse();
    assertThat(proxied("no_proxy_is_this", "teleport.example.com", 443)).isTrue();
  }

  @Test
  void noProxyPortsIpsAndCidrs() throws Exception {
    assertThat(proxied("example.com:443", "teleport.example.com", 443)).isFalse();
    assertThat(proxied("example.com:443", "teleport.example.com", 3025)).isTrue();
    assertThat(proxied("10.1.2.3", "10.1.2.3", 443)).isFalse();
    assertThat(proxied("10.1.2.3:3025", "10.1.2.3", 443)).isTrue();
    assertThat(proxied("10.0.0.0/8", "10.200.3.4", 443)).isFalse();
    assertThat(proxied("10.0.0.0/8", "11.0.0.1", 443)).isTrue();
    assertThat(proxied("2001:db8::/32", "2001:db8::7", 443)).isFalse();
    assertThat(proxied("[2001:db8::7]:443", "2001:db8::7", 443)).isFalse();
    // A CIDR does not match a host name, even one that would resolve into it.
    assertThat(proxied("10.0.0.0/8", "teleport.example.com", 443)).isTrue();
  }

  @Test
  void lowerCaseNoProxyIsReadWhenTheUpperCaseOneIsUnset() throws Exception {
    assertThat(
            proxy(
                Map.of("HTTPS_PROXY", "http://p:1", "no_proxy", "example.com"),
                "t.example.com",
                443))
        .isEmpty();
  }

  @Test
  void credentialsComeFromTheUrlAndAreMaskedWhenShown() throws Exception {
    HttpProxy proxy =
        proxy(Map.of("HTTPS_PROXY", "http://alice:s3cr%40t@proxy.corp:3128"), "t.example.com", 443)
            .orElseThrow();
    assertThat(proxy.user()).contains("alice");
    assertThat(proxy.password()).contains("s3cr@t");
    assertThat(proxy.toString())
        .isEqualTo("http://alice:***@proxy.corp:3128")
        .doesNotContain("s3cr");
  }

  @Test
  void anUnsupportedSchemeIsAClearErrorWithoutThePassword() {
    assertThatThrownBy(
            () -> proxy(Map.of("HTTPS_PROXY", "ftp://bob:hunter2@proxy:21"), "t.example.com", 443))
        .isInstanceOf(DialException.class)
        .hasMessageContaining("HTTPS_PROXY")
        .hasMessageContaining("use an http:// proxy")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(
            () -> proxy(Map.of("HTTPS_PROXY", "socks5://proxy:1080"), "t.example.com", 443))
        .hasMessageContaining("has the scheme socks5; use an http:// proxy");
  }
}
