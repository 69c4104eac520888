package eventhandler.sim.auth;

/** How a client reached the simulated Auth Service. */
public enum ClientRoute {
  /** Straight to the Auth Service port (like {@code auth:3025}). */
  DIRECT,
  /** Through the Proxy Service's TLS routing front (like {@code teleport.example.com:443}). */
  PROXY,
  /**
   * Through the front's {@code /webapi/connectionupgrade} as WebSocket (what a client does behind
   * an L7 load balancer that ends TLS), then TLS routing inside the binary frames.
   */
  PROXY_UPGRADE_WEBSOCKET,
  /** Through the legacy {@code Upgrade: alpn} / {@code alpn-ping} upgrade, then TLS routing. */
  PROXY_UPGRADE_LEGACY
}
