package eventhandler.teleport.dial;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * What a Proxy Service says of itself at {@code /webapi/find} (field names of Teleport's {@code
 * webclient.go}).
 *
 * @param tlsRoutingEnabled {@code proxy.tls_routing_enabled}: every protocol on the web port
 * @param clusterName {@code cluster_name} (newer Proxies)
 * @param serverVersion {@code server_version}
 * @param tunnelAddress {@code proxy.ssh.ssh_tunnel_public_addr} or {@code tunnel_listen_addr}
 */
public record ProxyInfo(
    boolean tlsRoutingEnabled,
    Optional<String> clusterName,
    Optional<String> serverVersion,
    Optional<String> tunnelAddress) {

  static ProxyInfo of(JsonNode answer) {
    JsonNode proxy = answer.path("proxy");
    JsonNode ssh = proxy.path("ssh");
    Optional<String> tunnel = text(ssh, "ssh_tunnel_public_addr");
    if (tunnel.isEmpty()) {
      tunnel = text(ssh, "tunnel_listen_addr");
    }
    return new ProxyInfo(
        proxy.path("tls_routing_enabled").asBoolean(false),
        text(answer, "cluster_name"),
        text(answer, "server_version"),
        tunnel);
  }

  private static Optional<String> text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || !value.isTextual() || value.asText().isBlank()
        ? Optional.empty()
        : Optional.of(value.asText());
  }
}
