package eventhandler.sim.proxy;

import eventhandler.sim.auth.ClientRoute;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What speaks inside a {@code teleport-reversetunnel} TLS connection: SSH, spliced to the
 * simulator's SSH tunnel server. Without one ({@code sshAddress} gives null) what the client sends
 * is dropped until it closes.
 */
final class ReverseTunnelHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ReverseTunnelHandler.class);

  private final UpgradeStats stats;
  private final ClientRoute mode;
  private final Supplier<InetSocketAddress> sshAddress;
  private final Queue<Object> early = new ArrayDeque<>();
  private Channel upstream;
  private boolean connecting;

  ReverseTunnelHandler(
      UpgradeStats stats, ClientRoute mode, Supplier<InetSocketAddress> sshAddress) {
    this.stats = stats;
    this.mode = mode;
    this.sshAddress = sshAddress;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof SslHandshakeCompletionEvent done && done.isSuccess()) {
      stats.reverseTunnelOpened();
      log.debug("proxy: reverse tunnel connection open ({})", mode);
      connectUpstream(ctx);
    }
    ctx.fireUserEventTriggered(event);
  }

  private void connectUpstream(ChannelHandlerContext ctx) {
    InetSocketAddress target = sshAddress.get();
    if (target == null || connecting) {
      return;
    }
    connecting = true;
    Channel client = ctx.channel();
    Splice.connectUpstream(client, target)
        .addListener(
            (ChannelFutureListener)
                connected -> {
                  if (!connected.isSuccess() || !client.isActive()) {
                    connected.channel().close();
                    ctx.close();
                    return;
                  }
                  upstream = connected.channel();
                  for (Object message; (message = early.poll()) != null; ) {
                    upstream.write(message);
                  }
                  upstream.flush();
                  ctx.pipeline().replace(this, null, new Splice(upstream));
                  client.read();
                });
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object message) {
    if (sshAddress.get() == null || !(message instanceof ByteBuf)) {
      ReferenceCountUtil.release(message);
      return;
    }
    early.add(message); // read with the handshake, before the splice is in place
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    for (Object message; (message = early.poll()) != null; ) {
      ReferenceCountUtil.release(message);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("proxy: reverse tunnel connection failed", cause);
    ctx.close();
  }
}
