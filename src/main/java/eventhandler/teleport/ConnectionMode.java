package eventhandler.teleport;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/** How the TLS connection reaches the Auth Service. Both speak mTLS gRPC to Auth in the end. */
public enum ConnectionMode {
  /** Straight to the Auth Service (usually port 3025): ALPN {@code h2}. */
  DIRECT("direct to the Auth Service"),
  /**
   * Through the Proxy Service with TLS routing (usually port 443): ALPN {@code teleport-auth@<hex
   * cluster>.teleport.cluster.local} first, so the proxy forwards the raw TLS stream to Auth, then
   * {@code h2}, which Auth selects.
   */
  PROXY("through the Proxy Service (TLS routing)");

  /** The name Teleport's Auth Service certificate is valid for; also the SNI and gRPC authority. */
  public static final String SERVER_NAME = "teleport.cluster.local";

  private static final String AUTH_ALPN_PREFIX = "teleport-auth@";

  private final String description;

  ConnectionMode(String description) {
    this.description = description;
  }

  /** For messages: "direct to the Auth Service". */
  public String description() {
    return description;
  }

  /** The ALPN protocols this mode offers, in preference order. */
  public List<String> alpnProtocols(String clusterName) {
    return switch (this) {
      case DIRECT -> List.of(TeleportSslContext.HTTP2);
      case PROXY -> List.of(authRoutingProtocol(clusterName), TeleportSslContext.HTTP2);
    };
  }

  /** {@code teleport-auth@<lowercase hex of the cluster name>.teleport.cluster.local}. */
  public static String authRoutingProtocol(String clusterName) {
    return AUTH_ALPN_PREFIX
        + HexFormat.of().formatHex(clusterName.getBytes(StandardCharsets.UTF_8))
        + "."
        + SERVER_NAME;
  }
}
