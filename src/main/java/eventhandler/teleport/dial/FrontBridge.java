package eventhandler.teleport.dial;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalServerChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.function.Consumer;

/**
 * Carries gRPC's connections over a front that has a TLS of its own (the load balancer's, under the
 * connection upgrade). gRPC takes the first {@code SslHandler} of its pipeline for its own, so the
 * front's TLS lives in a second channel: gRPC connects to an in-memory address, and each such
 * connection is relayed, byte for byte, to a socket that goes through the front. {@link #loopback}
 * listens on a loopback TCP port instead, for a client that only speaks sockets (the SSH library),
 * and adds the handlers that client's stream travels in after the front.
 */
public final class FrontBridge extends Bridge {
  private final Front front;
  private final EventLoopGroup group;
  private final Consumer<ChannelPipeline> inner;

  public FrontBridge(Front front, EventLoopGroup group) {
    this(front, group, LocalServerChannel.class, LocalAddress.ANY, pipeline -> {});
  }

  private FrontBridge(
      Front front,
      EventLoopGroup group,
      Class<? extends ServerChannel> type,
      SocketAddress listen,
      Consumer<ChannelPipeline> inner) {
    this.front = front;
    this.group = group;
    this.inner = inner;
    listen(group, type, listen, this::openThroughTheFront);
  }

  /**
   * A bridge on an ephemeral loopback TCP port; {@code inner} adds what follows the front. Anyone
   * on this host may connect to it, and gets no more than a socket to the Proxy: what travels in it
   * (SSH) is authenticated end to end.
   */
  public static FrontBridge loopback(
      Front front, EventLoopGroup group, Consumer<ChannelPipeline> inner) {
    return new FrontBridge(
        front,
        group,
        NioServerSocketChannel.class,
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        inner);
  }

  private void openThroughTheFront(Channel local) {
    // The path installs the proxy handler; the front adds its TLS, upgrade and gate after it.
    front
        .path()
        .connect(
            group,
            pipeline -> {
              if (!front.isDirect()) {
                front.installAfterProxy(pipeline);
              }
              inner.accept(pipeline);
              pipeline.addLast("relay", new Relay(local, true));
            })
        .addListener(
            (ChannelFutureListener)
                connected -> {
                  if (!connected.isSuccess()) {
                    failed(
                        new DialException(
                            "cannot connect to " + front.path() + ": " + connected.cause(),
                            connected.cause()));
                    local.close();
                  }
                });
  }

  /**
   * Copies what its channel reads to {@code peer}, reading more only once that is written. On the
   * front's side it starts when the front opens the stream (the gate's channelActive) and records
   * the front's failure.
   */
  private final class Relay extends ChannelInboundHandlerAdapter {
    private final Channel peer;
    private final boolean frontSide;

    Relay(Channel peer, boolean frontSide) {
      this.peer = peer;
      this.frontSide = frontSide;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      if (frontSide) {
        peer.pipeline().addLast("relay", new Relay(ctx.channel(), false));
        peer.read();
      }
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
      if (peer.isActive()) {
        peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (frontSide) {
        failed(
            cause instanceof DialException dial
                ? dial
                : new DialException(front.path() + ": " + cause.getMessage(), cause));
      }
      ctx.close();
      peer.close();
    }
  }
}
