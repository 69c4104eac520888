package eventhandler.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What the generated nginx configurations say, without running nginx. */
class NginxConfigTest {
  private static final Path DIR = Path.of("/tmp/nginx-test");
  private static final NginxConfig.Layout LAYOUT = new NginxConfig.Layout(DIR);
  private static final Path CERT = Path.of("/tmp/pki/lb.crt");
  private static final Path KEY = Path.of("/tmp/pki/lb.key");
  private static final Pattern QUOTED_PATH = Pattern.compile("\"(/[^\"]*)\"");

  @Test
  void theLoadBalancerPassesUpgradesAndKeepsLongStreamsUp() {
    String config = l7(true, false);

    assertThat(config)
        .contains("listen 127.0.0.1:8443 ssl;\n")
        .doesNotContainPattern("listen [^;]*http2|http2 on")
        .contains("map $http_upgrade $connection_upgrade {")
        .contains("proxy_set_header Upgrade $http_upgrade;")
        .contains("proxy_set_header Connection $connection_upgrade;")
        .contains("proxy_http_version 1.1;")
        .contains("proxy_pass https://backend;")
        .contains("server 127.0.0.1:3080;")
        .contains("proxy_ssl_server_name on;", "proxy_ssl_name proxy.example.test;")
        .contains("proxy_read_timeout 1h;", "proxy_send_timeout 1h;")
        .contains("proxy_buffering off;", "proxy_request_buffering off;");
  }

  @Test
  void theMisconfiguredLoadBalancerPassesNoUpgrade() {
    String config = l7(false, false);

    assertThat(config)
        .doesNotContain("proxy_set_header Upgrade")
        .doesNotContain("proxy_set_header Connection")
        .doesNotContain("$connection_upgrade")
        .contains("proxy_http_version 1.1;", "proxy_read_timeout 1h;");
  }

  @Test
  void everyFileNginxWritesIsInItsDirectory() {
    Matcher paths = QUOTED_PATH.matcher(l7(true, false));
    int count = 0;
    while (paths.find()) {
      Path path = Path.of(paths.group(1));
      if (!path.equals(CERT) && !path.equals(KEY)) {
        assertThat(path).startsWithRaw(DIR);
        count++;
      }
    }
    // pid, error log, access log and the five temp paths nginx makes at start-up
    assertThat(count).isEqualTo(8);
  }

  @Test
  void onlyRootNamesAUser() {
    assertThat(l7(true, true)).contains("\nuser root root;\n");
    assertThat(l7(true, false)).doesNotContain("user ");
  }

  @Test
  void theSniRouterMapsEachNameToItsRouteAndOthersToNoRoute() {
    Map<String, HostPort> routes = new LinkedHashMap<>();
    routes.put("alpha.test", HostPort.parse("127.0.0.1:1001"));
    routes.put("beta.test", HostPort.parse("localhost:1002"));

    String config =
        NginxConfig.sniRouter(
            LAYOUT,
            9443,
            routes,
            new NginxStreamModule(Path.of("/usr/lib/nginx/modules/ngx_stream_module.so")),
            false);

    assertThat(config)
        .startsWith("load_module \"/usr/lib/nginx/modules/ngx_stream_module.so\";\n")
        .contains("map $ssl_preread_server_name $route {")
        .contains("    alpha.test route_0;\n", "    beta.test route_1;\n", "default no_route;")
        .contains("upstream route_0 {\n    server 127.0.0.1:1001;\n  }")
        .contains("upstream route_1 {\n    server localhost:1002;\n  }")
        .contains("server \"unix:/tmp/nginx-test/no-route.sock\";")
        .contains("listen 127.0.0.1:9443;", "ssl_preread on;", "proxy_pass $route;")
        .doesNotContain("http {");
  }

  @Test
  void aStreamModuleCompiledInNeedsNoLoadModule() {
    assertThat(new NginxStreamModule(null).loadDirective()).isEmpty();
  }

  @Test
  void namesAndPathsThatWouldChangeTheConfigurationAreRefused() {
    assertThatThrownBy(
            () ->
                NginxConfig.sniRouter(
                    LAYOUT,
                    9443,
                    Map.of("a.test; evil", HostPort.parse("127.0.0.1:1")),
                    new NginxStreamModule(null),
                    false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a DNS name");
    assertThatThrownBy(() -> NginxConfig.quoted(Path.of("/tmp/with space/x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nginx would misread");
    assertThatThrownBy(() -> HostPort.parse("127.0.0.1:80; evil"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not host:port");
    assertThatThrownBy(() -> HostPort.parse("127.0.0.1:70000"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(HostPort.parse("[::1]:443")).isEqualTo(new HostPort("[::1]", 443));
  }

  private static String l7(boolean passUpgrades, boolean asRoot) {
    return NginxConfig.l7LoadBalancer(
        LAYOUT,
        8443,
        HostPort.parse("127.0.0.1:3080"),
        "proxy.example.test",
        CERT,
        KEY,
        passUpgrades,
        asRoot);
  }
}
