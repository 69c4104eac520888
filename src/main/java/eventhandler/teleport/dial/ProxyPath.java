package eventhandler.teleport.dial;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.resolver.NoopAddressResolverGroup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The TCP part of a connection to {@code host:port}: straight, or through an outbound proxy that
 * opens the tunnel (the proxy resolves the name, so it stays unresolved here).
 */
public record ProxyPath(Optional<HttpProxy> proxy, String host, int port, Duration timeout) {

  /** What the channel connects to: the target itself, or a name the proxy handler passes on. */
  public InetSocketAddress connectAddress() {
    return proxy.isPresent()
        ? InetSocketAddress.createUnresolved(host, port)
        : new InetSocketAddress(host, port);
  }

  /**
   * Connects a socket channel along this path: the proxy handler (if any) first, then what {@code
   * handlers} adds. The name is resolved here, or by the proxy when there is one.
   */
  ChannelFuture connect(EventLoopGroup group, Consumer<ChannelPipeline> handlers) {
    Bootstrap bootstrap =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel channel) {
                    install(channel.pipeline());
                    handlers.accept(channel.pipeline());
                  }
                });
    if (proxy.isPresent()) {
      bootstrap.resolver(NoopAddressResolverGroup.INSTANCE);
    }
    return bootstrap.connect(connectAddress());
  }

  /** The same path with another time limit. */
  ProxyPath withTimeout(Duration limit) {
    return new ProxyPath(proxy, host, port, limit);
  }

  /** Adds the proxy handler (if any) at the head of the pipeline. */
  void install(ChannelPipeline pipeline) {
    proxy.ifPresent(p -> pipeline.addFirst("outbound-proxy", p.handler(timeout)));
  }

  /** "localhost:3080" or "localhost:3080 via HTTP proxy http://proxy:3128". */
  @Override
  public String toString() {
    String target = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    return proxy.map(p -> target + " via proxy " + p).orElse(target);
  }
}
