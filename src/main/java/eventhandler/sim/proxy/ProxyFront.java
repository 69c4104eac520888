package eventhandler.sim.proxy;

import eventhandler.sim.auth.Connections;
import eventhandler.sim.pki.ClusterAuthorities;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.function.Supplier;

/**
 * The Proxy Service's web port: TLS routing by ALPN to the Auth Service, the reverse tunnel and the
 * web API ({@code /webapi/find}, {@code /webapi/ping}, the connection upgrade in both forms).
 */
public final class ProxyFront implements AutoCloseable {
  private final ProxySettings settings;
  private final ClusterAuthorities authorities;
  private final Connections connections;
  private final UpgradeStats stats = new UpgradeStats();
  private TlsRoutingFront front;

  public ProxyFront(
      ProxySettings settings, ClusterAuthorities authorities, Connections connections) {
    this.settings = settings;
    this.authorities = authorities;
    this.connections = connections;
  }

  /** The ALPN protocol that routes through the proxy to Auth: {@code teleport-auth@<hex>...}. */
  public static String authProtocol(String clusterName) {
    return FrontRoutes.authProtocol(clusterName);
  }

  /** The ALPN protocol of the reverse tunnel (SSH inside TLS) on the front. */
  public static String reverseTunnelProtocol() {
    return FrontRoutes.REVERSE_TUNNEL;
  }

  /**
   * Listens on {@code address}, routing Auth connections to {@code authAddress}; {@code ownAddress}
   * is the front's {@code host:port} as the web API reports it. Returns the address bound.
   */
  public InetSocketAddress bind(
      InetSocketAddress address,
      InetSocketAddress authAddress,
      Supplier<String> ownAddress,
      Supplier<InetSocketAddress> sshAddress,
      EventLoopGroup boss,
      EventLoopGroup workers)
      throws InterruptedException {
    front = new TlsRoutingFront(routes(authAddress, ownAddress, sshAddress));
    return front.bind(address, boss, workers);
  }

  private FrontRoutes routes(
      InetSocketAddress authAddress,
      Supplier<String> ownAddress,
      Supplier<InetSocketAddress> sshAddress) {
    WebApi webApi = null;
    if (settings.webApi()) {
      ProxyDiscovery discovery =
          new ProxyDiscovery(
              settings.clusterName(),
              settings.serverVersion(),
              settings.minClientVersion(),
              settings.tlsRouting(),
              settings.tunnelPublicAddress(),
              ownAddress,
              () -> tunnelPort(sshAddress));
      ConnectionUpgrades upgrades =
          settings.connectionUpgrade()
              ? new ConnectionUpgrades(settings.upgradePingInterval(), stats)
              : null;
      webApi = new WebApi(authorities.webServerTls(FrontRoutes.HTTP_1_1), discovery, upgrades);
    }
    ReverseTunnelEndpoint reverseTunnel =
        new ReverseTunnelEndpoint(
            authorities.webServerTls(FrontRoutes.REVERSE_TUNNEL),
            authorities.proxyHostTls(FrontRoutes.REVERSE_TUNNEL),
            stats,
            sshAddress);
    return new FrontRoutes(
        settings.authRouting() ? FrontRoutes.authProtocol(settings.clusterName()) : null,
        authAddress,
        connections,
        webApi,
        reverseTunnel);
  }

  private String tunnelPort(Supplier<InetSocketAddress> sshAddress) {
    InetSocketAddress ssh = sshAddress.get();
    return settings.reverseTunnel() && ssh != null
        ? ssh.getHostString() + ":" + ssh.getPort()
        : null;
  }

  /** Connection upgrades of {@code type} switched to (answered 101) so far. */
  public long connectionUpgrades(UpgradeType type) {
    return stats.upgrades(type);
  }

  /** Requests to {@code /webapi/connectionupgrade} answered with an HTTP error (400, 404, 405). */
  public long refusedConnectionUpgrades() {
    return stats.refusedUpgrades();
  }

  /** Pings sent on {@code alpn-ping} upgrades (WebSocket and legacy). */
  public long upgradePingsSent() {
    return stats.pingsSent().get();
  }

  /** WebSocket pongs received on upgraded connections. */
  public long upgradePongsReceived() {
    return stats.pongsReceived();
  }

  /** {@code teleport-reversetunnel} TLS handshakes completed (on the front or inside upgrades). */
  public long reverseTunnelConnections() {
    return stats.reverseTunnels();
  }

  @Override
  public void close() {
    if (front != null) {
      front.close();
      front = null;
    }
  }
}
