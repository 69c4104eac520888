package eventhandler.bench;

import eventhandler.sink.ClientTls;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The receiver's raw capacity: ready-made JSON-array bodies posted back to back over keep-alive
 * connections (one request in flight on each, like the sink), with the sink's TLS. Nothing is
 * converted, batched or tracked per event, so the rate it reaches is what the endpoint can take.
 */
public final class RawPoster {
  /** A request body ready to send and how many records it holds. */
  public record Body(byte[] bytes, int events) {}

  /**
   * What was measured: events and bytes answered 200 within the measured window, and any other
   * outcome.
   */
  public record Result(
      long events, long bytes, Duration elapsed, long failures, String firstError) {
    public double eventsPerSecond() {
      return events / seconds();
    }

    public double megabytesPerSecond() {
      return bytes / seconds() / 1e6;
    }

    private double seconds() {
      return Math.max(elapsed.toNanos(), 1) / 1e9;
    }
  }

  private final URI url;
  private final ClientTls tls;
  private final int connections;

  public RawPoster(URI url, ClientTls tls, int connections) {
    this.url = url;
    this.tls = tls;
    this.connections = connections;
  }

  /**
   * Posts {@code bodies} round-robin for {@code warmUp} (not counted), then counts for {@code
   * measure}, then waits for the requests still in flight.
   */
  public Result run(List<Body> bodies, Duration warmUp, Duration measure)
      throws InterruptedException {
    EventLoopGroup group =
        new NioEventLoopGroup(
            Math.min(2, Runtime.getRuntime().availableProcessors()),
            new DefaultThreadFactory("raw-poster", true));
    long start = System.nanoTime();
    Window window =
        new Window(start + warmUp.toNanos(), start + warmUp.toNanos() + measure.toNanos());
    CountDownLatch finished = new CountDownLatch(connections);
    try {
      String host = url.getHost();
      int port = url.getPort() < 0 ? 443 : url.getPort();
      String path = url.getRawPath().isEmpty() ? "/" : url.getRawPath();
      String hostHeader = host + ":" + port;
      for (int i = 0; i < connections; i++) {
        Poster poster = new Poster(bodies, i, path, hostHeader, window, finished);
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel channel) {
                    channel
                        .pipeline()
                        .addLast(
                            "tls",
                            tls.newHandler(channel.alloc(), host, port, Duration.ofSeconds(30)))
                        .addLast("http", new HttpClientCodec())
                        .addLast("poster", poster);
                  }
                })
            .connect(host, port)
            .addListener(
                connected -> {
                  if (!connected.isSuccess()) {
                    window.fail(connected.cause());
                    finished.countDown();
                  }
                });
      }
      long limit = warmUp.plus(measure).plusSeconds(60).toMillis();
      if (!finished.await(limit, TimeUnit.MILLISECONDS)) {
        window.fail(new IllegalStateException("requests still unanswered after " + limit + " ms"));
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    return window.result(measure);
  }

  /** The measured window and its tallies, shared by all connections. */
  private static final class Window {
    final long from;
    final long to;
    final AtomicLong events = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    final AtomicReference<String> firstError = new AtomicReference<>();

    Window(long from, long to) {
      this.from = from;
      this.to = to;
    }

    void answered(long sentAt, long now, Body body, int status) {
      if (status != 200) {
        failures.incrementAndGet();
        firstError.compareAndSet(null, "HTTP " + status);
        return;
      }
      // Only requests sent and answered inside the window count, so the rate is not inflated.
      if (sentAt >= from && now <= to) {
        events.addAndGet(body.events());
        bytes.addAndGet(body.bytes().length);
      }
    }

    void fail(Throwable cause) {
      failures.incrementAndGet();
      firstError.compareAndSet(null, String.valueOf(cause));
    }

    Result result(Duration measured) {
      return new Result(events.get(), bytes.get(), measured, failures.get(), firstError.get());
    }
  }

  /** One connection: sends the next body as soon as the previous response is complete. */
  private static final class Poster extends ChannelInboundHandlerAdapter {
    private final List<Body> bodies;
    private final String path;
    private final String hostHeader;
    private final Window window;
    private final CountDownLatch finished;
    private int next;
    private Body current;
    private long sentAt;
    private int status;
    private boolean done;

    Poster(
        List<Body> bodies,
        int offset,
        String path,
        String hostHeader,
        Window window,
        CountDownLatch finished) {
      this.bodies = bodies;
      this.next = offset % bodies.size();
      this.path = path;
      this.hostHeader = hostHeader;
      this.window = window;
      this.finished = finished;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
      if (event instanceof SslHandshakeCompletionEvent handshake) {
        if (handshake.isSuccess()) {
          send(ctx);
        } else {
          finish(ctx, handshake.cause());
        }
        return;
      }
      super.userEventTriggered(ctx, event);
    }

    private void send(ChannelHandlerContext ctx) {
      long now = System.nanoTime();
      if (now >= window.to) {
        finish(ctx, null);
        return;
      }
      current = bodies.get(next);
      next = (next + 1) % bodies.size();
      FullHttpRequest request =
          new DefaultFullHttpRequest(
              HttpVersion.HTTP_1_1, HttpMethod.POST, path, Unpooled.wrappedBuffer(current.bytes()));
      request.headers().set(HttpHeaderNames.HOST, hostHeader);
      request.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
      request.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, current.bytes().length);
      sentAt = now;
      ctx.writeAndFlush(request);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof HttpResponse response) {
          status = response.status().code();
        }
        if (msg instanceof LastHttpContent && current != null) {
          window.answered(sentAt, System.nanoTime(), current, status);
          current = null;
          send(ctx);
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      finish(ctx, done ? null : new IllegalStateException("the endpoint closed the connection"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      finish(ctx, cause);
    }

    private void finish(ChannelHandlerContext ctx, Throwable cause) {
      if (done) {
        return;
      }
      done = true;
      if (cause != null) {
        window.fail(cause);
      }
      ctx.close();
      finished.countDown();
    }
  }
}
