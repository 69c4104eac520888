package eventhandler.testing;

import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The nginx configurations the tests run: every path, log and temp directory inside one test
 * directory, so nginx needs nothing from /etc/nginx or /var and runs as root or not.
 */
final class NginxConfig {
  private static final Pattern SERVER_NAME =
      Pattern.compile("[A-Za-z0-9*]([A-Za-z0-9.-]*[A-Za-z0-9])?");

  /** Characters that would end or change a quoted nginx string ({@code $} starts a variable). */
  private static final Pattern UNSAFE_IN_QUOTES = Pattern.compile("[\"'$;{}\\\\\\s]");

  /** Where one nginx keeps its files. */
  record Layout(Path dir) {
    Path config() {
      return dir.resolve("nginx.conf");
    }

    Path errorLog() {
      return dir.resolve("error.log");
    }

    Path accessLog() {
      return dir.resolve("access.log");
    }

    Path pidFile() {
      return dir.resolve("nginx.pid");
    }

    Path temp() {
      return dir.resolve("temp");
    }

    /** A socket nobody listens on: the SNI router's route for names it does not know. */
    Path noRouteSocket() {
      return dir.resolve("no-route.sock");
    }
  }

  private NginxConfig() {}

  /**
   * An L7 load balancer: ends TLS with {@code certificate}, proxies every path to {@code upstream}
   * over TLS. With {@code passUpgrades} false it is the common misconfiguration that drops {@code
   * Upgrade}, so WebSocket and ALPN upgrades never reach the upstream.
   */
  static String l7LoadBalancer(
      Layout layout,
      int port,
      HostPort upstream,
      String upstreamServerName,
      Path certificate,
      Path key,
      boolean passUpgrades,
      boolean asRoot) {
    String upgrades =
        passUpgrades
            ? """
              # Pass WebSocket and ALPN upgrades: the two hop-by-hop headers nginx drops.
              proxy_set_header Upgrade $http_upgrade;
              proxy_set_header Connection $connection_upgrade;
        """
            : """
              # No Upgrade/Connection headers: nginx drops the client's Upgrade (a hop-by-hop
              # header) and sends "Connection: close", so the upstream never sees an upgrade.
        """;
    String upgradeMap =
        passUpgrades
            ? """
          # "Connection: upgrade" when the client asked for an upgrade, "close" otherwise.
          map $http_upgrade $connection_upgrade {
            default upgrade;
            '' close;
          }
        """
            : "";
    return main(layout, asRoot)
        + """
        http {
          log_format lb '$remote_addr "$request" $status sent=$body_bytes_sent '
                        'upgrade="$http_upgrade" upstream=$upstream_addr '
                        'upstream_status=$upstream_status time=$request_time';
          access_log %s lb;
          client_body_temp_path %s;
          proxy_temp_path %s;
          fastcgi_temp_path %s;
          uwsgi_temp_path %s;
          scgi_temp_path %s;
        %s
          upstream backend {
            server %s;
          }

          server {
            # TLS with HTTP/1.1 only (no http2 parameter), like an LB in front of the Proxy Service.
            listen 127.0.0.1:%d ssl;
            ssl_certificate %s;
            ssl_certificate_key %s;
            ssl_protocols TLSv1.2 TLSv1.3;

            location / {
              proxy_pass https://backend;
              # The operator's LB: it sends the upstream's name as SNI and does not verify it.
              proxy_ssl_server_name on;
              proxy_ssl_name %s;
              proxy_ssl_verify off;
              proxy_http_version 1.1;
              proxy_set_header Host $http_host;
              proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
              proxy_set_header X-Forwarded-Proto https;
        %s
              # Long-lived streams: no buffering and hour-long timeouts.
              proxy_buffering off;
              proxy_request_buffering off;
              client_max_body_size 0;
              proxy_read_timeout 1h;
              proxy_send_timeout 1h;
            }
          }
        }
        """
            .formatted(
                quoted(layout.accessLog()),
                quoted(layout.temp().resolve("client_body")),
                quoted(layout.temp().resolve("proxy")),
                quoted(layout.temp().resolve("fastcgi")),
                quoted(layout.temp().resolve("uwsgi")),
                quoted(layout.temp().resolve("scgi")),
                upgradeMap,
                upstream,
                port,
                quoted(certificate),
                quoted(key),
                serverName(upstreamServerName),
                upgrades);
  }

  /**
   * A TCP router that reads the TLS ClientHello's server name without ending TLS ({@code
   * ssl_preread}) and forwards the connection to that name's route; unknown names (and no name) go
   * to a socket nobody listens on, so nginx closes the client's connection.
   */
  static String sniRouter(
      Layout layout,
      int port,
      Map<String, HostPort> routes,
      NginxStreamModule module,
      boolean asRoot) {
    StringBuilder map = new StringBuilder();
    StringBuilder upstreams = new StringBuilder();
    int index = 0;
    for (Map.Entry<String, HostPort> route : routes.entrySet()) {
      String upstream = "route_" + index++;
      map.append("    ")
          .append(serverName(route.getKey()))
          .append(' ')
          .append(upstream)
          .append(";\n");
      upstreams
          .append("  upstream ")
          .append(upstream)
          .append(" {\n    server ")
          .append(route.getValue())
          .append(";\n  }\n");
    }
    return module.loadDirective()
        + main(layout, asRoot)
        + """
        stream {
          log_format sni '$remote_addr sni="$ssl_preread_server_name" upstream=$upstream_addr '
                         'status=$status sent=$bytes_sent received=$bytes_received '
                         'time=$session_time';
          access_log %s sni;

          # Server names match ignoring case, as SNI does.
          map $ssl_preread_server_name $route {
        %s    default no_route;
          }
        %s
          upstream no_route {
            # Nobody listens here: nginx logs a failed connect and closes the client's connection.
            server %s;
          }

          server {
            listen 127.0.0.1:%d;
            ssl_preread on;
            proxy_pass $route;
            proxy_connect_timeout 5s;
            proxy_timeout 1h;
          }
        }
        """
            .formatted(
                quoted(layout.accessLog()),
                map,
                upstreams,
                quoted("unix:" + layout.noRouteSocket()),
                port);
  }

  /** The main context: pid and error log in the directory, one process, enough connections. */
  private static String main(Layout layout, boolean asRoot) {
    // As root nginx would make its temp directories owned by "nobody"; "user root" keeps them
    // the test's (with master_process off no process switches user either way). As another
    // user the directive only earns a warning, so it is left out.
    String user = asRoot ? "user root root;\n" : "";
    return """
        # Written by eventhandler.testing.Nginx for one test; every file is in this directory.
        %spid %s;
        error_log %s info;

        events {
          worker_connections 1024;
        }

        """
        .formatted(user, quoted(layout.pidFile()), quoted(layout.errorLog()));
  }

  static String quoted(Path path) {
    return quoted(path.toAbsolutePath().toString());
  }

  private static String quoted(String text) {
    if (UNSAFE_IN_QUOTES.matcher(text).find()) {
      throw new IllegalArgumentException(
          "\""
              + text
              + "\" has a quote, space, $, ; or brace that nginx would misread; use"
              + " another directory (java.io.tmpdir) for the test's files");
    }
    return '"' + text + '"';
  }

  private static String serverName(String name) {
    if (!SERVER_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("\"" + name + "\" is not a DNS name");
    }
    return name;
  }
}
