package eventhandler.sim.proxy;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslContext;

/**
 * The Proxy's web API, reduced to what API clients use: {@code GET /webapi/find}, {@code GET
 * /webapi/ping} and {@code /webapi/connectionupgrade} ({@code upgrades} null: switched off, the
 * path answers 404 as on a Proxy without it). Served over TLS with the web certificate.
 */
record WebApi(SslContext tls, ProxyDiscovery discovery, ConnectionUpgrades upgrades) {
  static final String FIND = "/webapi/find";
  static final String PING = "/webapi/ping";

  /**
   * Adds TLS and HTTP handling after the handler named {@code after}; an upgraded connection is
   * routed further by a router from {@code routing}.
   */
  void install(ChannelPipeline pipeline, String after, StreamRouting routing) {
    HttpServerCodec http = new HttpServerCodec();
    HttpObjectAggregator aggregator = new HttpObjectAggregator(64 * 1024);
    String last = Pipelines.addAfter(pipeline, after, tls.newHandler(pipeline.channel().alloc()));
    last = Pipelines.addAfter(pipeline, last, http);
    last = Pipelines.addAfter(pipeline, last, aggregator);
    Pipelines.addAfter(pipeline, last, new Handler(http, aggregator, routing));
  }

  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final ChannelHandler http;
    private final ChannelHandler aggregator;
    private final StreamRouting routing;

    Handler(ChannelHandler http, ChannelHandler aggregator, StreamRouting routing) {
      this.http = http;
      this.aggregator = aggregator;
      this.routing = routing;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      String path = new QueryStringDecoder(request.uri()).path();
      if (path.equals(UpgradeRequest.PATH) && upgrades != null) {
        upgrades.handle(ctx, request, http, aggregator, routing);
      } else if (request.method().equals(HttpMethod.GET) && path.equals(PING)) {
        HttpReplies.send(ctx, request, HttpReplies.json(HttpResponseStatus.OK, discovery.ping()));
      } else if (request.method().equals(HttpMethod.GET) && path.equals(FIND)) {
        HttpReplies.send(ctx, request, HttpReplies.json(HttpResponseStatus.OK, discovery.find()));
      } else {
        HttpReplies.send(
            ctx, request, HttpReplies.error(HttpResponseStatus.NOT_FOUND, "not found"));
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
