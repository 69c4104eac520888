package eventhandler.sim.proxy;

import eventhandler.sim.auth.Connections;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Where the Proxy front sends a TLS connection, by the ALPN protocols of its ClientHello: the Auth
 * Service (raw splice; {@code authProtocol} null: not routed), the reverse tunnel, or the web API
 * ({@code webApi} null: switched off).
 */
record FrontRoutes(
    String authProtocol,
    InetSocketAddress authAddress,
    Connections connections,
    WebApi webApi,
    ReverseTunnelEndpoint reverseTunnel) {
  static final String AUTH_PROTOCOL_PREFIX = "teleport-auth@";
  static final String HTTP_1_1 = "http/1.1";
  static final String REVERSE_TUNNEL = "teleport-reversetunnel";

  /** The ALPN protocol that routes to the Auth Service of {@code clusterName}. */
  static String authProtocol(String clusterName) {
    return AUTH_PROTOCOL_PREFIX
        + HexFormat.of().formatHex(clusterName.getBytes(StandardCharsets.UTF_8))
        + ".teleport.cluster.local";
  }
}
