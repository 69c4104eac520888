package eventhandler.sim.fluentd;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection of the Fluentd-compatible receiver: HTTP/1.1 keep-alive requests answered the way
 * in_http with the Teleport JSON parser answers them. One request at a time (reading pauses while a
 * delayed answer is pending).
 */
final class InHttpHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(InHttpHandler.class);

  private final FluentdReceiver receiver;
  private final int bodyLimit;

  private HttpRequest request;
  private CompositeByteBuf body;
  private boolean discarding;
  private boolean busy;
  private boolean closing;

  InHttpHandler(FluentdReceiver receiver, int bodyLimit) {
    this.receiver = receiver;
    this.bodyLimit = bodyLimit;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (closing) {
        return; // requests that follow one answered with a close are never processed
      }
      if (msg instanceof HttpRequest started) {
        startRequest(ctx, started);
      }
      if (msg instanceof HttpContent content) {
        if (discarding) {
          if (msg instanceof LastHttpContent) {
            close(ctx); // in_http closes the connection after "413 Too large"
          }
          return;
        }
        if (body == null) {
          return;
        }
        if (body.readableBytes() + content.content().readableBytes() > bodyLimit) {
          refuseTooLarge(ctx);
          if (msg instanceof LastHttpContent) {
            close(ctx);
          }
          return;
        }
        body.addComponent(true, content.content().retain());
        if (msg instanceof LastHttpContent) {
          endRequest(ctx);
        }
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void startRequest(ChannelHandlerContext ctx, HttpRequest started) {
    releaseBody();
    request = started;
    discarding = false;
    busy = true;
    if (started.decoderResult().isFailure()) {
      respond(ctx, 400, "400 Bad Request\n", false);
      discarding = true;
      return;
    }
    if (HttpUtil.getContentLength(started, -1L) > bodyLimit) {
      // in_http answers at once from the headers; the body is read and dropped so the client sees
      // the answer rather than a connection reset.
      refuseTooLarge(ctx);
      return;
    }
    if (HttpUtil.is100ContinueExpected(started)) {
      ctx.writeAndFlush(
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
    }
    body = ctx.alloc().compositeBuffer(Integer.MAX_VALUE);
  }

  private void refuseTooLarge(ChannelHandlerContext ctx) {
    releaseBody();
    discarding = true;
    // No close yet: that happens once the rest of the body has been read.
    write(ctx, 413, "Too large", false, false);
  }

  private void endRequest(ChannelHandlerContext ctx) {
    byte[] bytes = ByteBufUtil.getBytes(body);
    releaseBody();
    HttpRequest current = request;
    Duration latency = receiver.faults().latency();
    if (latency.isZero() || latency.isNegative()) {
      answer(ctx, current, bytes);
    } else {
      ctx.channel().config().setAutoRead(false);
      ctx.executor()
          .schedule(
              () -> {
                ctx.channel().config().setAutoRead(true);
                answer(ctx, current, bytes);
              },
              latency.toNanos(),
              TimeUnit.NANOSECONDS);
    }
  }

  private void answer(ChannelHandlerContext ctx, HttpRequest current, byte[] raw) {
    if (receiver.faults().takeDrop()) {
      busy = false;
      close(ctx); // as if the server went away with the request unanswered
      return;
    }
    receiver.countRequest();
    boolean keepAlive = HttpUtil.isKeepAlive(current);
    HttpMethod method = current.method();
    if (method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD)) {
      respond(ctx, 200, "", keepAlive); // a health check: emits nothing
      return;
    }
    if (method.equals(HttpMethod.OPTIONS)) {
      respond(ctx, 403, "", keepAlive); // no cors_allow_origins configured
      return;
    }
    byte[] bytes;
    try {
      bytes = InHttpRequests.decode(raw, current.headers().get(HttpHeaderNames.CONTENT_ENCODING));
    } catch (IOException e) {
      respond(ctx, 400, "", false); // in_http: "fails to decode payload", then closes
      return;
    }
    InHttpBodyParser.Parsed parsed = InHttpBodyParser.parse(bytes);
    if (parsed.ok() && parsed.array()) {
      receiver.countArrayRequest();
    }
    if (!parsed.ok()) {
      respondError(ctx, parsed.errorStatus(), parsed.errorMessage(), keepAlive);
      return;
    }
    String poisoned = InHttpRequests.poisonedTime(receiver.faults().poison(), bytes, parsed);
    if (poisoned != null) {
      respondError(ctx, 400, poisoned, keepAlive);
      return;
    }
    int failure = receiver.faults().takeFailure();
    if (failure != 0) {
      respondError(ctx, failure, InHttpRequests.failureMessage(failure), keepAlive);
      return;
    }
    receiver.accept(InHttpRequests.tagOf(current.uri()), bytes, parsed);
    respond(ctx, 200, "", keepAlive);
  }

  private void respondError(ChannelHandlerContext ctx, int status, String message, boolean keep) {
    HttpResponseStatus code = HttpResponseStatus.valueOf(status);
    respond(ctx, status, status + " " + code.reasonPhrase() + "\n" + message + "\n", keep);
  }

  private void respond(ChannelHandlerContext ctx, int status, String text, boolean keepAlive) {
    write(ctx, status, text, keepAlive, !keepAlive);
  }

  private void write(
      ChannelHandlerContext ctx, int status, String text, boolean keepAlive, boolean close) {
    busy = false;
    receiver.countResponse(status);
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(status),
            Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
    if (keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, "Keep-Alive");
    }
    if (close) {
      closing = true;
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.writeAndFlush(response);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof IdleStateEvent) {
      if (!busy) {
        receiver.countIdleClose();
        close(ctx); // keepalive_timeout: a clean close, no response
      }
      return;
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    releaseBody();
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("receiver connection failed: {}", cause.toString());
    ctx.close();
  }

  private void close(ChannelHandlerContext ctx) {
    closing = true;
    ctx.close();
  }

  private void releaseBody() {
    if (body != null) {
      body.release();
      body = null;
    }
  }
}
