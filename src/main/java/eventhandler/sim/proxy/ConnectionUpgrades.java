package eventhandler.sim.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code /webapi/connectionupgrade}: answers as {@link UpgradeRequest} decides and, on a
 * {@code 101}, turns the HTTP connection into a byte stream (WebSocket binary frames, raw bytes, or
 * pingconn packets) that starts at a new router, exactly like a new connection to the front.
 */
final class ConnectionUpgrades {
  private static final Logger log = LoggerFactory.getLogger(ConnectionUpgrades.class);

  /** What Teleport's Proxy puts in its WebSocket pings. */
  static final String PING_PAYLOAD = "teleport";

  /** A client writes one TLS record per frame; 16 MiB leaves room for any batching. */
  private static final int MAX_FRAME_PAYLOAD = 16 * 1024 * 1024;

  private final Duration pingInterval;
  private final UpgradeStats stats;

  ConnectionUpgrades(Duration pingInterval, UpgradeStats stats) {
    this.pingInterval = pingInterval;
    this.stats = stats;
  }

  /**
   * Answers {@code request}, which arrived at the handler of {@code ctx} through {@code http} (the
   * server codec) and {@code aggregator}; on an upgrade those three leave the pipeline.
   */
  void handle(
      ChannelHandlerContext ctx,
      FullHttpRequest request,
      ChannelHandler http,
      ChannelHandler aggregator,
      StreamRouting routing) {
    UpgradeRequest.Decision decision = UpgradeRequest.decide(request);
    if (decision instanceof UpgradeRequest.Upgrade upgrade) {
      upgrade(ctx, upgrade, http, aggregator, routing);
    } else if (decision instanceof UpgradeRequest.EmptyWebSocket empty) {
      log.debug("proxy: WebSocket upgrade without a known sub-protocol; closing");
      ctx.writeAndFlush(webSocketResponse(empty.accept(), null))
          .addListener(ChannelFutureListener.CLOSE);
    } else {
      refuse(ctx, request, (UpgradeRequest.Refusal) decision);
    }
  }

  private void refuse(
      ChannelHandlerContext ctx, FullHttpRequest request, UpgradeRequest.Refusal refusal) {
    stats.refused();
    log.debug("proxy: refusing connection upgrade: {}", refusal.message());
    FullHttpResponse response = HttpReplies.error(refusal.status(), refusal.message());
    if (refusal.status().equals(HttpResponseStatus.BAD_REQUEST)) {
      response.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13"); // as gorilla does
    } else if (refusal.status().equals(HttpResponseStatus.METHOD_NOT_ALLOWED)) {
      response.headers().set(HttpHeaderNames.ALLOW, "GET, OPTIONS");
    }
    HttpReplies.send(ctx, request, response);
  }

  private void upgrade(
      ChannelHandlerContext ctx,
      UpgradeRequest.Upgrade upgrade,
      ChannelHandler http,
      ChannelHandler aggregator,
      StreamRouting routing) {
    UpgradeType type = upgrade.type();
    ChannelPipeline pipeline = ctx.pipeline();
    // The write runs through the HTTP encoder now, so the codec can leave right after it.
    ctx.writeAndFlush(
        type.webSocket()
            ? webSocketResponse(upgrade.accept(), subProtocol(type))
            : legacyResponse(type));
    String last = pipeline.context(http).name();
    if (type.webSocket()) {
      WebSocketDecoderConfig frames =
          WebSocketDecoderConfig.newBuilder()
              .expectMaskedFrames(true)
              .allowMaskMismatch(false)
              .allowExtensions(false)
              .maxFramePayloadLength(MAX_FRAME_PAYLOAD)
              .closeOnProtocolViolation(true)
              .build();
      last = Pipelines.addAfter(pipeline, last, new WebSocket13FrameDecoder(frames));
      last = Pipelines.addAfter(pipeline, last, new WebSocket13FrameEncoder(false));
      last = Pipelines.addAfter(pipeline, last, new WebSocketStream(stats));
      if (type.pings()) {
        last =
            Pipelines.addAfter(
                pipeline,
                last,
                new UpgradePinger(
                    pingInterval,
                    () ->
                        new PingWebSocketFrame(
                            Unpooled.copiedBuffer(PING_PAYLOAD, StandardCharsets.US_ASCII)),
                    stats.pingsSent()));
      }
    } else if (type.pings()) {
      // Before the codec, so the bare zero length of a ping is not framed as data.
      last =
          Pipelines.addAfter(
              pipeline,
              last,
              new UpgradePinger(pingInterval, PingConnCodec::ping, stats.pingsSent()));
      last = Pipelines.addAfter(pipeline, last, new PingConnCodec());
    }
    Pipelines.addAfter(pipeline, last, routing.routerFor(type.mode()));
    stats.upgraded(type);
    log.debug("proxy: connection upgraded ({})", type);
    pipeline.remove(aggregator);
    pipeline.remove(ctx.handler());
    // Last: bytes the HTTP decoder already holds go on to the handlers just added.
    pipeline.remove(http);
  }

  private static String subProtocol(UpgradeType type) {
    return type == UpgradeType.WEBSOCKET_ALPN_PING ? UpgradeRequest.ALPN_PING : UpgradeRequest.ALPN;
  }

  private static FullHttpResponse webSocketResponse(String accept, String subProtocol) {
    FullHttpResponse response = switching();
    HttpHeaders headers = response.headers();
    headers.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
    headers.set(HttpHeaderNames.CONNECTION, "Upgrade");
    headers.set(HttpHeaderNames.SEC_WEBSOCKET_ACCEPT, accept);
    if (subProtocol != null) {
      headers.set(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, subProtocol);
    }
    return response;
  }

  private static FullHttpResponse legacyResponse(UpgradeType type) {
    String name =
        type == UpgradeType.LEGACY_ALPN_PING ? UpgradeRequest.ALPN_PING : UpgradeRequest.ALPN;
    FullHttpResponse response = switching();
    response.headers().set(HttpHeaderNames.UPGRADE, name);
    response.headers().set(UpgradeRequest.TELEPORT_UPGRADE_HEADER, name);
    response.headers().set(HttpHeaderNames.CONNECTION, "Upgrade");
    return response;
  }

  private static FullHttpResponse switching() {
    return new DefaultFullHttpResponse(
        HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS, Unpooled.EMPTY_BUFFER);
  }
}
