package eventhandler.sim.proxy;

import eventhandler.sim.auth.ClientRoute;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;

/**
 * The Proxy Service's web port with TLS routing, as far as API clients need it: every connection
 * starts at a {@link FrontRouter}, which reads the ClientHello without ending TLS. With ALPN {@code
 * teleport-auth@<hex(cluster)>.teleport.cluster.local} the raw connection goes to the Auth Service,
 * which completes the mutual TLS handshake; {@code teleport-reversetunnel} ends at the reverse
 * tunnel; {@code http/1.1} or no ALPN reaches the web API (when enabled), whose connection upgrade
 * routes the upgraded stream the same way. Any other ALPN list is refused with the fatal alert
 * {@code no_application_protocol}. Any SNI is accepted.
 */
final class TlsRoutingFront implements AutoCloseable {
  private final FrontRoutes routes;
  private Channel serverChannel;

  TlsRoutingFront(FrontRoutes routes) {
    this.routes = routes;
  }

  InetSocketAddress bind(InetSocketAddress address, EventLoopGroup boss, EventLoopGroup workers)
      throws InterruptedException {
    ChannelFuture bound =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel channel) {
                    routes.connections().acceptedByProxy(channel);
                    channel
                        .pipeline()
                        .addLast("router", new FrontRouter(routes, ClientRoute.PROXY));
                  }
                })
            .bind(address)
            .sync();
    serverChannel = bound.channel();
    return (InetSocketAddress) serverChannel.localAddress();
  }

  @Override
  public void close() {
    if (serverChannel != null) {
      serverChannel.close().syncUninterruptibly();
    }
  }
}
