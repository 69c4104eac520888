package eventhandler.sim.proxy;

import java.time.Duration;

/**
 * What the simulated Proxy front offers.
 *
 * @param minClientVersion what {@code /webapi/find} reports as {@code min_client_version}
 * @param webApi whether {@code /webapi/*} is served over http/1.1 or no ALPN
 * @param tlsRouting what {@code /webapi/find} reports as {@code proxy.tls_routing_enabled}
 * @param tunnelPublicAddress the tunnel address reported without TLS routing; null for the web host
 *     with port 3024
 * @param connectionUpgrade whether {@code /webapi/connectionupgrade} exists
 * @param upgradePingInterval how often {@code alpn-ping} upgrades get a ping
 * @param authRouting whether ALPN {@code teleport-auth@...} on the web port reaches Auth
 * @param reverseTunnel whether the plain SSH reverse-tunnel port is reported (without TLS routing)
 */
public record ProxySettings(
    String clusterName,
    String serverVersion,
    String minClientVersion,
    boolean webApi,
    boolean tlsRouting,
    String tunnelPublicAddress,
    boolean connectionUpgrade,
    Duration upgradePingInterval,
    boolean authRouting,
    boolean reverseTunnel) {}
