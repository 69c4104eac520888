package eventhandler.teleport.dial;

import io.netty.channel.ChannelPipeline;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;

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
