package eventhandler.teleport.ssh;

import eventhandler.teleport.dial.Bridge;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalServerChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * Carries gRPC's connections through the SSH tunnel: gRPC connects to an in-memory address (its own
 * TLS and HTTP/2 stay in its pipeline, exactly as on a direct dial), and each connection becomes a
 * {@code teleport-transport} channel. In-memory Netty channels rather than a loopback socket: no
 * port that other local users could reach, and no copy through the kernel. When the tunnel breaks,
 * its channels close, gRPC sees its connection drop and reconnects, which opens a new tunnel.
 */
public final class TunnelBridge extends Bridge {
  private final SshTunnel tunnel;
  private final Optional<Bridge> outer;
  private final Executor dialer;

  /**
   * @param outer the bridge under the SSH (TLS, upgrade, proxy), closed with this one
   * @param dialer runs the blocking SSH connect, login and dial, off the event loop
   */
  public TunnelBridge(
      SshTunnel tunnel, Optional<Bridge> outer, EventLoopGroup group, Executor dialer) {
    this.tunnel = tunnel;
    this.outer = outer;
    this.dialer = dialer;
    listen(
        group,
        LocalServerChannel.class,
        LocalAddress.ANY,
        local -> dialer.execute(() -> carry(local)));
  }

  private void carry(Channel local) {
    TransportChannel transport;
    try {
      transport = tunnel.open(local);
    } catch (TunnelException e) {
      failed(outer.flatMap(Bridge::lastFailure).orElse(e));
      local.close();
      return;
    } catch (RuntimeException e) {
      failed(new TunnelException(tunnel.target() + ": " + e, e));
      local.close();
      return;
    }
    local.pipeline().addLast("to-tunnel", new ToTunnel(transport));
    local.read();
  }

  @Override
  public void close() {
    super.close();
    tunnel.close();
    outer.ifPresent(Bridge::close);
  }

  /** gRPC's bytes into the channel, one write in flight; closing either side closes the other. */
  private static final class ToTunnel extends ChannelInboundHandlerAdapter {
    private final TransportChannel transport;

    ToTunnel(TransportChannel transport) {
      this.transport = transport;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
      if (!(message instanceof ByteBuf bytes) || transport.isClosing()) {
        ReferenceCountUtil.release(message);
        ctx.close();
        return;
      }
      try {
        transport
            .send(bytes)
            .addListener(
                written -> {
                  if (written.isWritten()) {
                    ctx.channel().read();
                  } else {
                    ctx.close();
                  }
                });
      } catch (IOException e) {
        ctx.close();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      transport.close(false);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
