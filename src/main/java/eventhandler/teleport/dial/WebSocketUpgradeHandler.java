package eventhandler.teleport.dial;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker13;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The WebSocket form of the connection upgrade. Netty's handshaker builds and checks the exchange
 * (key, {@code Sec-WebSocket-Accept}, subprotocol) and swaps the HTTP codec for frame codecs; the
 * request is written here, through this handler's context, because gRPC's handlers further down the
 * pipeline hold back every write made from the channel's tail until its own TLS is done.
 */
final class WebSocketUpgradeHandler extends ChannelInboundHandlerAdapter {
  /** Fired when the stream is ready for the inner TLS. */
  static final Object UPGRADED = new Object();

  private static final int MAX_FRAME_BYTES = 16 * 1024 * 1024;

  private final Handshaker handshaker;
  private final Duration timeout;
  private ScheduledFuture<?> deadline;
  private boolean done;

  WebSocketUpgradeHandler(URI uri, String subprotocols, Duration timeout) {
    this.handshaker = new Handshaker(uri, subprotocols);
    this.timeout = timeout;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ctx.writeAndFlush(handshaker.request());
    deadline =
        ctx.executor()
            .schedule(
                () -> {
                  if (!done) {
                    ctx.fireExceptionCaught(
                        new DialException(
                            "no answer to the WebSocket connection upgrade within "
                                + timeout.toSeconds()
                                + " s"));
                  }
                },
                timeout.toMillis(),
                TimeUnit.MILLISECONDS);
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object message) {
    if (done || !(message instanceof FullHttpResponse response)) {
      ctx.fireChannelRead(message);
      return;
    }
    try {
      handshaker.finishHandshake(ctx.channel(), response); // throws when refused
      // Netty adds the frame encoder in its own handshake(), which this handler does not use.
      ctx.pipeline().addAfter("ws-decoder", "ws-encoder", handshaker.encoder());
    } finally {
      response.release();
    }
    done = true;
    deadline.cancel(false);
    ctx.fireUserEventTriggered(UPGRADED);
    ctx.pipeline().remove(this);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (deadline != null) {
      deadline.cancel(false);
    }
  }

  /** Netty's RFC 6455 client handshake, with the request made available to this handler. */
  private static final class Handshaker extends WebSocketClientHandshaker13 {
    Handshaker(URI uri, String subprotocols) {
      super(
          uri,
          WebSocketVersion.V13,
          subprotocols,
          false,
          new DefaultHttpHeaders(),
          MAX_FRAME_BYTES,
          true,
          false,
          -1L);
    }

    WebSocketFrameEncoder encoder() {
      return newWebSocketEncoder();
    }

    /** Without {@code Origin}, as Go's client sends it (a load balancer may change the Host). */
    FullHttpRequest request() {
      FullHttpRequest request = newHandshakeRequest();
      request.headers().remove(HttpHeaderNames.ORIGIN);
      return request;
    }
  }
}
