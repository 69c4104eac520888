package eventhandler.teleport.dial;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.Optional;

/**
 * Carries gRPC's connections over a front that has a TLS of its own (the load balancer's, under the
 * connection upgrade). gRPC takes the first {@code SslHandler} of its pipeline for its own, so the
 * front's TLS lives in a second channel: gRPC connects to an in-memory address, and each such
 * connection is relayed, byte for byte, to a socket that goes through the front.
 */
public final class FrontBridge implements AutoCloseable {
  private final Front front;
  private final EventLoopGroup group;
  private final Channel server;
  private volatile DialException lastFailure;

  public FrontBridge(Front front, EventLoopGroup group) {
    this.front = front;
    this.group = group;
    this.server =
        new ServerBootstrap()
            .group(group)
            .channel(LocalServerChannel.class)
            .childOption(ChannelOption.AUTO_READ, false)
            .childHandler(
                new ChannelInitializer<LocalChannel>() {
                  @Override
                  protected void initChannel(LocalChannel local) {
                    openThroughTheFront(local);
                  }
                })
            .bind(LocalAddress.ANY)
            .syncUninterruptibly()
            .channel();
  }

  /** Where gRPC connects ({@code LocalChannel}). */
  public LocalAddress address() {
    return (LocalAddress) server.localAddress();
  }

  /** Why the last connection through the front failed, for the error when nothing connects. */
  public Optional<DialException> lastFailure() {
    return Optional.ofNullable(lastFailure);
  }

  private void openThroughTheFront(Channel local) {
    // The path installs the proxy handler; the front adds its TLS, upgrade and gate after it.
    front
        .path()
        .connect(
            group,
            pipeline -> {
              front.installAfterProxy(pipeline);
              pipeline.addLast("relay", new Relay(local, true));
            })
        .addListener(
            (ChannelFutureListener)
                connected -> {
                  if (!connected.isSuccess()) {
                    lastFailure =
                        new DialException(
                            "cannot connect to " + front.path() + ": " + connected.cause(),
                            connected.cause());
                    local.close();
                  }
                });
  }

  @Override
  public void close() {
    server.close();
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
      if (frontSide && cause instanceof DialException dial) {
        lastFailure = dial;
      }
      ctx.close();
      peer.close();
    }
  }
}
