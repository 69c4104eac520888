package eventhandler.teleport.dial;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.proxy.ProxyConnectionEvent;

/**
 * Holds back "connection active" from what follows (gRPC's own TLS) until the front has opened the
 * stream: the proxy tunnel is up, or the connection upgrade is done. A failure before that reaches
 * gRPC as one {@link DialException} saying which step failed and what to check.
 */
final class StreamGate extends ChannelInboundHandlerAdapter {
  private final Front front;
  private boolean open;
  private boolean failed;

  StreamGate(Front front) {
    this.front = front;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    // Held until the stream is ready; see userEventTriggered.
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (isReady(event)) {
      open = true;
      ctx.fireChannelActive();
      ctx.pipeline().remove(this);
    } else if (!(event instanceof ProxyConnectionEvent)) {
      ctx.fireUserEventTriggered(event);
    }
  }

  private boolean isReady(Object event) {
    return switch (front.upgrade()) {
      case NONE -> event instanceof ProxyConnectionEvent;
      case WEBSOCKET -> event == WebSocketUpgradeHandler.UPGRADED;
      case LEGACY -> event == LegacyUpgradeHandler.UPGRADED;
    };
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (open) {
      ctx.fireExceptionCaught(cause);
    } else {
      fail(ctx, DialFailures.explain(front, cause));
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (!open) {
      fail(ctx, DialFailures.closedEarly(front));
    }
    ctx.fireChannelInactive();
  }

  private void fail(ChannelHandlerContext ctx, DialException error) {
    if (!failed) {
      failed = true;
      ctx.fireExceptionCaught(error);
    }
    ctx.close();
  }
}
