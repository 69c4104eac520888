package eventhandler.sink;

import eventhandler.sink.ExchangeResult.Failure;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One keep-alive HTTP/1.1 connection to Fluentd, carrying one request at a time. Everything but
 * {@link #run} happens on the channel's event loop.
 */
final class PooledConnection extends ChannelInboundHandlerAdapter {
  /** Enough of an error response for the dead-letter file and logs; the rest is dropped. */
  private static final int MAX_RESPONSE_BODY = 4096;

  private final ConnectionPool pool;
  private final HttpTarget target;
  private final long timeoutNanos;
  private final FluentdSinkMetrics metrics;
  private Channel channel;

  private Exchange current;
  private ScheduledFuture<?> timeout;
  private long startNanos;
  private int status;
  private Duration retryAfter;
  private boolean responseStarted;
  private boolean keepAlive = true;
  private final StringBuilder responseBody = new StringBuilder();
  private int completed;
  private volatile long idleSinceNanos;

  PooledConnection(
      ConnectionPool pool, HttpTarget target, long timeoutNanos, FluentdSinkMetrics metrics) {
    this.pool = pool;
    this.target = target;
    this.timeoutNanos = timeoutNanos;
    this.metrics = metrics;
  }

  void attach(Channel channel) {
    this.channel = channel;
  }

  Channel channel() {
    return channel;
  }

  /** Whether this idle connection may carry another request. */
  boolean usable(long nowNanos, long idleLimitNanos) {
    return channel.isActive() && keepAlive && nowNanos - idleSinceNanos < idleLimitNanos;
  }

  void markIdle(long nowNanos) {
    idleSinceNanos = nowNanos;
  }

  /** Sends {@code exchange} on this connection; the connection must be free. */
  void run(Exchange exchange) {
    EventLoop loop = channel.eventLoop();
    if (loop.inEventLoop()) {
      start(exchange);
    } else {
      loop.execute(() -> start(exchange));
    }
  }

  private void start(Exchange exchange) {
    if (!channel.isActive()) {
      exchange.complete(
          ExchangeResult.failed(completed > 0 ? Failure.STALE : Failure.CLOSED, null));
      return;
    }
    current = exchange;
    status = 0;
    retryAfter = null;
    responseStarted = false;
    keepAlive = true;
    responseBody.setLength(0);
    FullHttpRequest request =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1,
            HttpMethod.POST,
            exchange.pathAndQuery,
            exchange.body(channel.alloc()));
    HttpHeaders headers = request.headers();
    headers.set(HttpHeaderNames.HOST, target.hostHeader());
    headers.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
    headers.set(HttpHeaderNames.CONTENT_LENGTH, exchange.bodyBytes());
    startNanos = System.nanoTime();
    metrics.inFlight.incrementAndGet();
    timeout = channel.eventLoop().schedule(this::onTimeout, timeoutNanos, TimeUnit.NANOSECONDS);
    channel
        .writeAndFlush(request)
        .addListener(
            written -> {
              if (written.isSuccess()) {
                metrics.bytesSent.increment(exchange.bodyBytes());
              } else if (current == exchange) {
                fail(Failure.CLOSED, written.cause());
              }
            });
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (!(msg instanceof HttpObject object)) {
        return;
      }
      if (current == null) {
        // A response nobody asked for: the connection is out of step; drop it.
        ctx.close();
        return;
      }
      if (object.decoderResult().isFailure()) {
        fail(Failure.CLOSED, object.decoderResult().cause());
        return;
      }
      if (msg instanceof HttpResponse response) {
        if (response.status().code() == 100) {
          return; // interim "100 Continue"; the real response follows
        }
        responseStarted = true;
        status = response.status().code();
        retryAfter =
            RetryAfter.parse(
                response.headers().get(HttpHeaderNames.RETRY_AFTER), Clock.systemUTC());
        // in_http closes the connection after a 413, without saying so in a header.
        keepAlive = HttpUtil.isKeepAlive(response) && status != 413;
      }
      if (msg instanceof HttpContent content && responseStarted) {
        appendBody(content.content());
        if (msg instanceof LastHttpContent) {
          finish();
        }
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void appendBody(ByteBuf content) {
    int room = MAX_RESPONSE_BODY - responseBody.length();
    if (room > 0 && content.isReadable()) {
      int length = Math.min(room, content.readableBytes());
      responseBody.append(content.toString(content.readerIndex(), length, StandardCharsets.UTF_8));
    }
  }

  private void finish() {
    Exchange exchange = current;
    current = null;
    completed++;
    timeout.cancel(false);
    metrics.inFlight.decrementAndGet();
    metrics.latency.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    ExchangeResult result = ExchangeResult.response(status, responseBody.toString(), retryAfter);
    if (!keepAlive) {
      channel.close();
    }
    pool.release(this);
    exchange.complete(result);
  }

  private void onTimeout() {
    if (current != null) {
      fail(Failure.TIMEOUT, null);
    }
  }

  private void fail(Failure failure, Throwable cause) {
    Exchange exchange = current;
    if (exchange == null) {
      return;
    }
    current = null;
    timeout.cancel(false);
    metrics.inFlight.decrementAndGet();
    // A reused connection that breaks before any byte of the response was most likely closed by
    // the server for being idle just as the request went out.
    Failure kind =
        failure == Failure.CLOSED && completed > 0 && !responseStarted ? Failure.STALE : failure;
    channel.close();
    exchange.complete(ExchangeResult.failed(kind, cause));
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    fail(Failure.CLOSED, null);
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    fail(Failure.CLOSED, cause);
    ctx.close();
  }
}
