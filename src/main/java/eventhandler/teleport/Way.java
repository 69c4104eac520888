package eventhandler.teleport;

import eventhandler.teleport.dial.Front;
import eventhandler.teleport.dial.ProxyEnvironment;
import eventhandler.teleport.dial.Upgrade;

/**
 * One way to reach the Auth Service: the route (straight to Auth, or through the Proxy), the front
 * before it (an outbound proxy's tunnel, a load balancer's connection upgrade), and whether the TLS
 * to Auth travels in the Proxy's SSH reverse tunnel.
 */
public record Way(ConnectionMode route, Front front, Ssh ssh) {

  /** Whether, and how, the connection to Auth goes through the Proxy's SSH reverse tunnel. */
  public enum Ssh {
    NONE,
    /** Plain SSH to the tunnel address of {@code /webapi/find} (port 3024 by default). */
    REVERSE_TUNNEL,
    /** SSH inside TLS with ALPN {@code teleport-reversetunnel} on the web port. */
    TLS_ROUTING
  }

  public Way(ConnectionMode route, Front front) {
    this(route, front, Ssh.NONE);
  }

  /** For the start log: "through the Proxy Service (TLS routing), WebSocket connection upgrade". */
  public String description() {
    return switch (ssh) {
      case NONE -> route.description() + front.description();
      case REVERSE_TUNNEL ->
          "through the Proxy Service's SSH reverse tunnel at "
              + front.path().host()
              + ":"
              + front.path().port()
              + front.description();
      case TLS_ROUTING ->
          "through the Proxy Service (TLS routing, SSH reverse tunnel in ALPN"
              + " teleport-reversetunnel)"
              + front.description();
    };
  }

  /** The metric label: direct, tls_routing, tls_routing_websocket_upgrade, reverse_tunnel... */
  public String label() {
    if (ssh == Ssh.REVERSE_TUNNEL) {
      return "reverse_tunnel";
    }
    if (route == ConnectionMode.DIRECT) {
      return "direct";
    }
    String base = ssh == Ssh.TLS_ROUTING ? "tls_routing_ssh" : "tls_routing";
    return front.upgrade() == Upgrade.NONE
        ? base
        : base + "_" + front.upgrade().label() + "_upgrade";
  }

  /**
   * The SNI of the TLS to Auth: the Proxy's host name through its ALPN router, as the Go client
   * sends; Auth's own name straight to Auth and inside the SSH tunnel (which ends at Auth).
   */
  String serverName() {
    String host = front.path().host();
    if (route == ConnectionMode.DIRECT
        || ssh != Ssh.NONE
        || ProxyEnvironment.literalIp(host) != null) {
      return ConnectionMode.SERVER_NAME;
    }
    return host;
  }

  /** The ALPN protocols of the TLS to Auth: inside the tunnel, those of a direct dial. */
  java.util.List<String> alpnProtocols(String clusterName) {
    return ssh == Ssh.NONE
        ? route.alpnProtocols(clusterName)
        : ConnectionMode.DIRECT.alpnProtocols(clusterName);
  }
}
