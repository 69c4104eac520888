package eventhandler.sim;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Proxy Service's TLS routing as far as the API client needs it: reads the ClientHello without
 * terminating TLS and, when the client asks for ALPN {@code
 * teleport-auth@<hex(cluster)>.teleport.cluster.local}, passes the raw connection to the Auth
 * Service, which completes the mutual TLS handshake. Without that protocol the handshake is refused
 * with the fatal alert {@code no_application_protocol}; with {@code http/1.1} or no ALPN the small
 * web API answers instead, when enabled.
 */
final class TlsRoutingFront implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TlsRoutingFront.class);
  static final String AUTH_PROTOCOL_PREFIX = "teleport-auth@";
  static final String HTTP_1_1 = "http/1.1";

  /** TLS alert record: fatal (2), no_application_protocol (120). */
  private static final byte[] NO_APPLICATION_PROTOCOL = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 120};

  private final String authProtocol;
  private final InetSocketAddress authAddress;
  private final Connections connections;
  private final WebApi webApi;
  private Channel serverChannel;

  TlsRoutingFront(
      String clusterName, InetSocketAddress authAddress, Connections connections, WebApi webApi) {
    this.authProtocol = authProtocol(clusterName);
    this.authAddress = authAddress;
    this.connections = connections;
    this.webApi = webApi;
  }

  /** The ALPN protocol that routes to the Auth Service of {@code clusterName}. */
  static String authProtocol(String clusterName) {
    return AUTH_PROTOCOL_PREFIX
        + HexFormat.of().formatHex(clusterName.getBytes(StandardCharsets.UTF_8))
        + ".teleport.cluster.local";
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
                    connections.acceptedByProxy(channel);
                    channel.pipeline().addLast("router", new Router());
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

  /** Buffers the first bytes of a connection until the ClientHello is complete, then routes. */
  private final class Router extends ChannelInboundHandlerAdapter {
    private ByteBuf received;
    private boolean routed;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
      ByteBuf bytes = (ByteBuf) message;
      if (received == null) {
        received = ctx.alloc().buffer(bytes.readableBytes());
      }
      received.writeBytes(bytes);
      bytes.release();
      if (routed) {
        return; // still connecting to Auth; these bytes go with the ClientHello
      }
      ClientHello hello;
      try {
        hello = ClientHello.parse(received);
      } catch (ClientHello.NotClientHello e) {
        log.debug("proxy: closing a connection that is not TLS: {}", e.getMessage());
        ctx.close();
        return;
      }
      if (hello == null) {
        if (received.readableBytes() > ClientHello.MAX_BYTES) {
          ctx.close();
        }
        return;
      }
      routed = true;
      if (hello.applicationProtocols().contains(authProtocol)) {
        forwardToAuth(ctx);
      } else if (webApi != null
          && (hello.applicationProtocols().isEmpty()
              || hello.applicationProtocols().contains(HTTP_1_1))) {
        ByteBuf data = takeReceived();
        webApi.install(ctx.pipeline(), ctx.name());
        ctx.fireChannelRead(data);
        ctx.pipeline().remove(this);
      } else {
        log.debug("proxy: refusing ALPN {}", hello.applicationProtocols());
        ctx.writeAndFlush(Unpooled.wrappedBuffer(NO_APPLICATION_PROTOCOL))
            .addListener(ChannelFutureListener.CLOSE);
      }
    }

    private void forwardToAuth(ChannelHandlerContext ctx) {
      Channel client = ctx.channel();
      client.config().setAutoRead(false);
      new Bootstrap()
          .group(client.eventLoop())
          .channel(NioSocketChannel.class)
          .option(ChannelOption.AUTO_READ, false)
          .option(ChannelOption.TCP_NODELAY, true)
          .handler(new Splice(client))
          .connect(authAddress)
          .addListener(
              (ChannelFutureListener)
                  connected -> {
                    if (!connected.isSuccess()) {
                      ctx.close();
                      return;
                    }
                    Channel upstream = connected.channel();
                    if (!client.isActive()) {
                      upstream.close();
                      return;
                    }
                    connections.proxyUpstream(upstream);
                    ByteBuf data = takeReceived();
                    ctx.pipeline().replace(this, "splice", new Splice(upstream));
                    upstream
                        .writeAndFlush(data)
                        .addListener(
                            (ChannelFutureListener)
                                written -> {
                                  if (written.isSuccess()) {
                                    client.read();
                                  } else {
                                    client.close();
                                    upstream.close();
                                  }
                                });
                  });
    }

    private ByteBuf takeReceived() {
      ByteBuf data = received;
      received = null;
      return data;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
      if (received != null) {
        received.release();
        received = null;
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("proxy connection failed", cause);
      ctx.close();
    }
  }
}
