package eventhandler.teleport.dial;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * Turns the upgraded WebSocket back into a byte stream: binary frames in, bytes out as binary
 * frames. Pings are answered, and a close frame closes the connection.
 */
final class WebSocketStream extends ChannelDuplexHandler {
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object message) throws Exception {
    if (message instanceof BinaryWebSocketFrame || message instanceof ContinuationWebSocketFrame) {
      ctx.fireChannelRead(((WebSocketFrame) message).content());
    } else if (message instanceof PingWebSocketFrame ping) {
      // alpn-ping: the Proxy pings about every 30 s; the pong keeps load balancers from idling out.
      ctx.writeAndFlush(new PongWebSocketFrame(ping.content()));
    } else if (message instanceof PongWebSocketFrame pong) {
      pong.release();
    } else if (message instanceof CloseWebSocketFrame close) {
      close.release();
      ctx.close();
    } else if (message instanceof WebSocketFrame frame) {
      String type = frame.getClass().getSimpleName();
      ReferenceCountUtil.release(frame);
      throw new DialException("the Proxy sent an unexpected WebSocket " + type + " in the stream");
    } else {
      ctx.fireChannelRead(message);
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
    if (message instanceof ByteBuf bytes) {
      ctx.write(new BinaryWebSocketFrame(bytes), promise);
    } else {
      ctx.write(message, promise);
    }
  }
}
