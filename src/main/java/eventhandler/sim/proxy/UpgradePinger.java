package eventhandler.sim.proxy;

import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Writes a ping on an upgraded connection every interval, as Teleport's Proxy does for {@code
 * alpn-ping} (every {@code ProxyPingInterval}, 30 s), so idle connections through load balancers
 * stay open. A client that does not answer is not cut off. The ping is written from this handler's
 * place, so it passes only the handlers before it.
 */
final class UpgradePinger extends ChannelHandlerAdapter {
  private final Duration interval;
  private final Supplier<Object> ping;
  private final AtomicLong sent;
  private ScheduledFuture<?> timer;

  UpgradePinger(Duration interval, Supplier<Object> ping, AtomicLong sent) {
    this.interval = interval;
    this.ping = ping;
    this.sent = sent;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    long nanos = interval.toNanos();
    timer = ctx.executor().scheduleAtFixedRate(() -> ping(ctx), nanos, nanos, TimeUnit.NANOSECONDS);
    ctx.channel().closeFuture().addListener(closed -> stop());
  }

  private void ping(ChannelHandlerContext ctx) {
    if (!ctx.channel().isActive() || ctx.isRemoved()) {
      stop();
      return;
    }
    ctx.writeAndFlush(ping.get())
        .addListener(
            written -> {
              if (written.isSuccess()) {
                sent.incrementAndGet();
              }
            });
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    stop();
  }

  private void stop() {
    if (timer != null) {
      timer.cancel(false);
    }
  }
}
