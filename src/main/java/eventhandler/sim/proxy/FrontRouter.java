package eventhandler.sim.proxy;

import eventhandler.sim.auth.ClientRoute;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers the first bytes of a stream until its TLS ClientHello is complete, then routes by ALPN
 * without ending TLS: the Auth protocol is spliced raw to the Auth Service, {@code
 * teleport-reversetunnel} goes to the reverse tunnel, no ALPN or {@code http/1.1} to the web API;
 * anything else gets the fatal alert {@code no_application_protocol}. The stream is a TCP
 * connection to the front or the inside of a connection upgrade; {@code mode} says which.
 */
final class FrontRouter extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(FrontRouter.class);

  /** TLS alert record: fatal (2), no_application_protocol (120). */
  private static final byte[] NO_APPLICATION_PROTOCOL = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 120};

  private final FrontRoutes routes;
  private final ClientRoute mode;
  private ByteBuf received;
  private boolean routed;

  FrontRouter(FrontRoutes routes, ClientRoute mode) {
    this.routes = routes;
    this.mode = mode;
  }

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
      log.debug("proxy: closing a stream that is not TLS ({}): {}", mode, e.getMessage());
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
    List<String> alpn = hello.applicationProtocols();
    if (routes.authProtocol() != null && alpn.contains(routes.authProtocol())) {
      forwardToAuth(ctx);
    } else if (alpn.contains(FrontRoutes.REVERSE_TUNNEL)) {
      routes.reverseTunnel().install(ctx.pipeline(), ctx.name(), mode);
      handOver(ctx);
    } else if (routes.webApi() != null && (alpn.isEmpty() || alpn.contains(FrontRoutes.HTTP_1_1))) {
      routes.webApi().install(ctx.pipeline(), ctx.name(), next -> new FrontRouter(routes, next));
      handOver(ctx);
    } else {
      log.debug("proxy: refusing ALPN {} ({})", alpn, mode);
      ctx.writeAndFlush(Unpooled.wrappedBuffer(NO_APPLICATION_PROTOCOL))
          .addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** Passes what was read to the handlers installed after this one, which take over. */
  private void handOver(ChannelHandlerContext ctx) {
    ByteBuf data = takeReceived();
    ctx.fireChannelRead(data);
    ctx.pipeline().remove(this);
  }

  private void forwardToAuth(ChannelHandlerContext ctx) {
    Channel client = ctx.channel();
    Splice.connectUpstream(client, routes.authAddress())
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
                  routes.connections().proxyUpstream(upstream, mode);
                  ByteBuf data = takeReceived();
                  ctx.pipeline().replace(this, null, new Splice(upstream));
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
    log.debug("proxy stream failed ({})", mode, cause);
    ctx.close();
  }
}
