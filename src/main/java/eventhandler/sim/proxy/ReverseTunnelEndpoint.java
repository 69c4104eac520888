package eventhandler.sim.proxy;

import eventhandler.sim.auth.ClientRoute;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.util.function.Supplier;

/**
 * The front's end of ALPN {@code teleport-reversetunnel}: ends TLS and hands the connection to a
 * {@link ReverseTunnelHandler}, which splices it to the SSH tunnel server. Straight on the front it
 * shows the web certificate (a client checks it with its usual roots); inside a connection upgrade,
 * the Proxy's host certificate, because there a client checks it against the cluster's CAs.
 */
record ReverseTunnelEndpoint(
    SslContext directTls,
    SslContext upgradedTls,
    UpgradeStats stats,
    Supplier<InetSocketAddress> sshAddress) {
  /** Adds TLS and the tunnel handler after the handler named {@code after}. */
  void install(ChannelPipeline pipeline, String after, ClientRoute mode) {
    SslContext tls = mode == ClientRoute.PROXY ? directTls : upgradedTls;
    String tlsName =
        Pipelines.addAfter(pipeline, after, tls.newHandler(pipeline.channel().alloc()));
    Pipelines.addAfter(pipeline, tlsName, new ReverseTunnelHandler(stats, mode, sshAddress));
  }
}
