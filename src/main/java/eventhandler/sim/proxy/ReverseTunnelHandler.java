package eventhandler.sim.proxy;

import eventhandler.sim.auth.ClientRoute;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What speaks inside a {@code teleport-reversetunnel} TLS connection. A real Proxy runs SSH here;
 * for now the connection stays open and what the client sends is dropped until it closes. This is
 * the seam where the SSH server (host certificate, {@code teleport-transport} channels) plugs in.
 */
final class ReverseTunnelHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ReverseTunnelHandler.class);

  private final UpgradeStats stats;
  private final ClientRoute mode;

  ReverseTunnelHandler(UpgradeStats stats, ClientRoute mode) {
    this.stats = stats;
    this.mode = mode;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof SslHandshakeCompletionEvent done && done.isSuccess()) {
      stats.reverseTunnelOpened();
      log.debug("proxy: reverse tunnel connection open ({})", mode);
    }
    ctx.fireUserEventTriggered(event);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object message) {
    ReferenceCountUtil.release(message);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("proxy: reverse tunnel connection failed", cause);
    ctx.close();
  }
}
