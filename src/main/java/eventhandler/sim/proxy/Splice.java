package eventhandler.sim.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.SocketAddress;

/**
 * Copies bytes from its channel to {@code peer}, reading the next piece only after the previous one
 * was written, so a slow side slows the other instead of filling memory (auto-read is off).
 */
final class Splice extends ChannelInboundHandlerAdapter {
  private final Channel peer;

  Splice(Channel peer) {
    this.peer = peer;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ctx.read();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object message) {
    if (!peer.isActive()) {
      ReferenceCountUtil.release(message);
      ctx.close();
      return;
    }
    peer.writeAndFlush(message)
        .addListener(
            (ChannelFutureListener)
                written -> {
                  if (written.isSuccess()) {
                    ctx.channel().read();
                  } else {
                    ctx.close();
                    peer.close();
                  }
                });
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closeAfterFlush(peer);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  /**
   * Stops reading {@code client} and connects a channel to {@code target} that splices into it; the
   * caller splices the other way once it is connected.
   */
  static ChannelFuture connectUpstream(Channel client, SocketAddress target) {
    client.config().setAutoRead(false);
    return new Bootstrap()
        .group(client.eventLoop())
        .channel(NioSocketChannel.class)
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new Splice(client))
        .connect(target);
  }

  static void closeAfterFlush(Channel channel) {
    if (channel.isActive()) {
      channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
