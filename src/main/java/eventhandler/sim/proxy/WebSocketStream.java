package eventhandler.sim.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * Turns an upgraded WebSocket connection into a plain byte stream for the handlers after it: the
 * payloads of binary frames go up as bytes, bytes written down leave as binary frames. A close
 * frame from the client ends the stream (after echoing it); closing the stream sends a close frame
 * first. Pongs are counted, pings answered, text frames dropped (as Teleport drops them).
 */
final class WebSocketStream extends ChannelDuplexHandler {
  private final UpgradeStats stats;
  private boolean closeFrameSent;

  WebSocketStream(UpgradeStats stats) {
    this.stats = stats;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object message) {
    if (message instanceof BinaryWebSocketFrame || message instanceof ContinuationWebSocketFrame) {
      ByteBuf payload = ((WebSocketFrame) message).content();
      if (payload.isReadable()) {
        ctx.fireChannelRead(payload);
      } else {
        payload.release();
        readIfNeeded(ctx);
      }
    } else if (message instanceof CloseWebSocketFrame close) {
      closeFrameSent = true;
      ctx.writeAndFlush(close).addListener(ChannelFutureListener.CLOSE);
    } else if (message instanceof PingWebSocketFrame ping) {
      ctx.writeAndFlush(new PongWebSocketFrame(ping.content()));
      readIfNeeded(ctx);
    } else if (message instanceof PongWebSocketFrame) {
      stats.pongReceived();
      ReferenceCountUtil.release(message);
      readIfNeeded(ctx);
    } else if (message instanceof WebSocketFrame) {
      ReferenceCountUtil.release(message);
      readIfNeeded(ctx);
    } else {
      ctx.fireChannelRead(message);
    }
  }

  /**
   * After a splice to Auth the channel reads only on demand; a frame that yields no bytes must ask
   * for the next read itself, or the stream would stall.
   */
  private static void readIfNeeded(ChannelHandlerContext ctx) {
    if (!ctx.channel().config().isAutoRead()) {
      ctx.read();
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
    if (message instanceof ByteBuf bytes && bytes.isReadable()) {
      ctx.write(new BinaryWebSocketFrame(bytes), promise);
    } else {
      ctx.write(message, promise); // frames (pings), and the empty flush marker before a close
    }
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    if (closeFrameSent || !ctx.channel().isActive()) {
      ctx.close(promise);
      return;
    }
    closeFrameSent = true;
    ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE))
        .addListener(written -> ctx.close(promise));
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // The frame decoder has already sent its own close frame for a protocol violation.
    closeFrameSent = true;
    ctx.close();
  }
}
