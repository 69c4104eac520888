package eventhandler.teleport.dial;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;

/**
 * What stands between a TCP connection and the Teleport endpoint's own TLS: an outbound proxy's
 * tunnel, and the TLS and connection upgrade of an L7 load balancer. {@link #newChannel()} makes a
 * socket channel with these handlers in place, for gRPC to put its TLS and HTTP/2 after them.
 */
public record Front(ProxyPath path, Upgrade upgrade, WebTls webTls) {
  /** The WebSocket subprotocols offered; the Proxy picks one (alpn-ping: it pings, we answer). */
  static final String SUBPROTOCOLS = "alpn-ping,alpn";

  public Front {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(upgrade, "upgrade");
    if (upgrade != Upgrade.NONE) {
      Objects.requireNonNull(webTls, "webTls");
    }
  }

  /** True when a plain socket would do: no proxy, no upgrade. */
  public boolean isDirect() {
    return path.proxy().isEmpty() && upgrade == Upgrade.NONE;
  }

  /** True when the front has a TLS of its own, so it needs a {@link FrontBridge}. */
  public boolean needsBridge() {
    return upgrade != Upgrade.NONE;
  }

  /** A socket channel whose pipeline opens the stream through this front (no TLS of its own). */
  public Channel newChannel() {
    NioSocketChannel channel = new NioSocketChannel();
    install(channel.pipeline());
    return channel;
  }

  void install(ChannelPipeline pipeline) {
    if (isDirect()) {
      return;
    }
    path.install(pipeline);
    installAfterProxy(pipeline);
  }

  /** The TLS, upgrade and gate of this front, for a pipeline whose proxy handler is in place. */
  void installAfterProxy(ChannelPipeline pipeline) {
    switch (upgrade) {
      case NONE -> {}
      case WEBSOCKET -> {
        pipeline.addLast("front-tls", tls(pipeline));
        pipeline.addLast("upgrade-http", new HttpClientCodec());
        pipeline.addLast("upgrade-aggregate", new HttpObjectAggregator(64 * 1024));
        pipeline.addLast(
            "upgrade-websocket",
            new WebSocketUpgradeHandler(upgradeUri("wss"), SUBPROTOCOLS, path.timeout()));
        pipeline.addLast("upgrade-stream", new WebSocketStream());
      }
      case LEGACY -> {
        pipeline.addLast("front-tls", tls(pipeline));
        pipeline.addLast("upgrade-legacy", new LegacyUpgradeHandler(hostHeader()));
      }
    }
    pipeline.addLast("front-gate", new StreamGate(this));
  }

  private io.netty.channel.ChannelHandler tls(ChannelPipeline pipeline) {
    return webTls.handler(pipeline.channel().alloc(), path.host(), path.port());
  }

  /** {@code https://host:port/webapi/connectionupgrade}, for messages. */
  public String upgradeUrl() {
    return upgradeUri("https").toString();
  }

  private URI upgradeUri(String scheme) {
    try {
      return new URI(scheme, null, path.host(), path.port(), Upgrade.PATH, null, null);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a host name: " + path.host(), e);
    }
  }

  private String hostHeader() {
    return (path.host().contains(":") ? "[" + path.host() + "]" : path.host()) + ":" + path.port();
  }

  /** For logs: ", WebSocket connection upgrade, via proxy http://proxy:3128". */
  public String description() {
    StringBuilder text = new StringBuilder();
    if (upgrade != Upgrade.NONE) {
      text.append(", ").append(upgrade.description());
    }
    path.proxy().ifPresent(proxy -> text.append(", via proxy ").append(proxy));
    return text.toString();
  }
}
