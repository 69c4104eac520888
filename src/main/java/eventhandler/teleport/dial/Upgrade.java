package eventhandler.teleport.dial;

import java.util.Locale;

/**
 * Teleport's ALPN connection upgrade: how a client behind an L7 load balancer (which ends TLS and
 * so loses the ALPN the Proxy routes by) gets a raw stream to the Proxy's ALPN router.
 */
public enum Upgrade {
  /** No upgrade: the Proxy's TLS router is reached directly (or through an SNI router). */
  NONE(""),
  /**
   * {@code Upgrade: websocket} with subprotocols {@code alpn-ping} and {@code alpn}; the stream
   * travels in binary frames, and the Proxy's pings are answered.
   */
  WEBSOCKET("WebSocket connection upgrade"),
  /**
   * {@code Upgrade: alpn} (Teleport before 15.1, or {@code ..._MODE=legacy}): raw bytes after 101.
   */
  LEGACY("legacy connection upgrade");

  /** The path both forms request. */
  public static final String PATH = "/webapi/connectionupgrade";

  private final String description;

  Upgrade(String description) {
    this.description = description;
  }

  /** For logs: "WebSocket connection upgrade". */
  public String description() {
    return description;
  }

  /** For metric labels: the name in lower case ("none", "websocket", "legacy"). */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
