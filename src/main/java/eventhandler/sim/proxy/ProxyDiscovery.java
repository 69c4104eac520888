package eventhandler.sim.proxy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The answers of {@code /webapi/find} and {@code /webapi/ping}, with the field names of Teleport's
 * {@code webclient.PingResponse}. With TLS routing every SSH and tunnel address is the web address;
 * without it the tunnel address is the configured one, or the web host with port 3024, and SSH is
 * the web host with port 3023 (Teleport's separate-ports defaults).
 *
 * @param tunnelPublicAddress used only without TLS routing; null for the web host with port 3024
 * @param webAddress the front's {@code host:port}, known once it is bound
 * @param tunnelPort the SSH tunnel server's {@code host:port}, or null when none is reported
 */
record ProxyDiscovery(
    String clusterName,
    String serverVersion,
    String minClientVersion,
    boolean tlsRouting,
    String tunnelPublicAddress,
    Supplier<String> webAddress,
    Supplier<String> tunnelPort) {
  static final int SSH_PROXY_PORT = 3023;
  static final int TUNNEL_PORT = 3024;

  /** Teleport's default SSH dial timeout; a Go {@code time.Duration} travels as nanoseconds. */
  private static final long DIAL_TIMEOUT_NANOS = Duration.ofSeconds(30).toNanos();

  Map<String, Object> find() {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("proxy", proxy());
    answer.put("server_version", serverVersion);
    answer.put("min_client_version", minClientVersion);
    answer.put("cluster_name", clusterName);
    answer.put("automatic_upgrades", false);
    answer.put("edition", "oss");
    answer.put("fips", false);
    return answer;
  }

  Map<String, Object> ping() {
    Map<String, Object> auth = new LinkedHashMap<>();
    auth.put("type", "local");
    auth.put("second_factor", "otp");
    auth.put("local", Map.of("name", ""));
    auth.put("private_key_policy", "none");
    auth.put("piv_slot", "");
    auth.put("has_motd", false);
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("auth", auth);
    answer.putAll(find());
    return answer;
  }

  private Map<String, Object> proxy() {
    String web = webAddress.get();
    Map<String, Object> ssh = new LinkedHashMap<>();
    if (tlsRouting) {
      ssh.put("listen_addr", web);
      ssh.put("tunnel_listen_addr", web);
      ssh.put("web_listen_addr", web);
      ssh.put("public_addr", web);
      ssh.put("ssh_public_addr", web);
      ssh.put("ssh_tunnel_public_addr", web);
    } else {
      String host = host(web);
      String listening = tunnelPort.get();
      String tunnel =
          tunnelPublicAddress != null
              ? tunnelPublicAddress
              : listening != null ? listening : host + ":" + TUNNEL_PORT;
      ssh.put("listen_addr", host + ":" + SSH_PROXY_PORT);
      ssh.put("tunnel_listen_addr", tunnel);
      ssh.put("web_listen_addr", web);
      ssh.put("public_addr", web);
      ssh.put("ssh_public_addr", host + ":" + SSH_PROXY_PORT);
      ssh.put("ssh_tunnel_public_addr", tunnel);
    }
    ssh.put("dial_timeout", DIAL_TIMEOUT_NANOS);
    Map<String, Object> proxy = new LinkedHashMap<>();
    proxy.put("kube", Map.of());
    proxy.put("ssh", ssh);
    proxy.put("db", Map.of());
    proxy.put("tls_routing_enabled", tlsRouting);
    return proxy;
  }

  /** The host of {@code host:port} ({@code [v6]:port} keeps its brackets). */
  private static String host(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    return colon < 0 ? hostPort : hostPort.substring(0, colon);
  }
}
