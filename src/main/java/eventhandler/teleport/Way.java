package eventhandler.teleport;

import eventhandler.teleport.dial.Front;
import eventhandler.teleport.dial.ProxyEnvironment;
import eventhandler.teleport.dial.Upgrade;

/**
 * One way to reach the Auth Service: the route (straight to Auth, or the Proxy's ALPN router) and
 * the front before it (an outbound proxy's tunnel, a load balancer's connection upgrade).
 */
public record Way(ConnectionMode route, Front front) {

  /** For the start log: "through the Proxy Service (TLS routing), WebSocket connection upgrade". */
  public String description() {
    return route.description() + front.description();
  }

  /** The metric label: direct, tls_routing, tls_routing_websocket_upgrade... */
  public String label() {
    if (route == ConnectionMode.DIRECT) {
      return "direct";
    }
    return front.upgrade() == Upgrade.NONE
        ? "tls_routing"
        : "tls_routing_" + front.upgrade().label() + "_upgrade";
  }

  /** The SNI of the TLS to Auth: the Proxy's host name through a Proxy, as the Go client sends. */
  String serverName() {
    String host = front.path().host();
    if (route == ConnectionMode.DIRECT || ProxyEnvironment.literalIp(host) != null) {
      return ConnectionMode.SERVER_NAME;
    }
    return host;
  }
}
