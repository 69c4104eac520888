package eventhandler.sim.proxy;

import eventhandler.sim.auth.ClientRoute;

/** The kinds of {@code /webapi/connectionupgrade} the simulated Proxy accepts. */
public enum UpgradeType {
  /** {@code Upgrade: websocket} with sub-protocol {@code alpn}. */
  WEBSOCKET_ALPN(ClientRoute.PROXY_UPGRADE_WEBSOCKET, false),
  /** {@code Upgrade: websocket} with sub-protocol {@code alpn-ping}: the server sends pings. */
  WEBSOCKET_ALPN_PING(ClientRoute.PROXY_UPGRADE_WEBSOCKET, true),
  /** {@code Upgrade: alpn}: raw bytes after the 101. */
  LEGACY_ALPN(ClientRoute.PROXY_UPGRADE_LEGACY, false),
  /** {@code Upgrade: alpn-ping}: length-prefixed packets after the 101, empty ones are pings. */
  LEGACY_ALPN_PING(ClientRoute.PROXY_UPGRADE_LEGACY, true);

  private final ClientRoute mode;
  private final boolean pings;

  UpgradeType(ClientRoute mode, boolean pings) {
    this.mode = mode;
    this.pings = pings;
  }

  /** The mode a connection to Auth made through this upgrade is recorded with. */
  public ClientRoute mode() {
    return mode;
  }

  /** Whether the server sends pings on such a connection (legacy pings get no answer). */
  public boolean pings() {
    return pings;
  }

  boolean webSocket() {
    return mode == ClientRoute.PROXY_UPGRADE_WEBSOCKET;
  }
}
