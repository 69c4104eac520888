package eventhandler.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslContext;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The Proxy's web API, reduced to {@code GET /webapi/ping} and {@code GET /webapi/find}: enough for
 * a client to learn the cluster name and that TLS routing is on. Served over TLS with a certificate
 * from the simulated web CA.
 */
final class WebApi {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SslContext tls;
  private final String clusterName;
  private final String serverVersion;
  private final Supplier<String> publicAddress;

  WebApi(SslContext tls, String clusterName, String serverVersion, Supplier<String> publicAddress) {
    this.tls = tls;
    this.clusterName = clusterName;
    this.serverVersion = serverVersion;
    this.publicAddress = publicAddress;
  }

  /** Adds TLS and HTTP handling after the handler named {@code after}. */
  void install(ChannelPipeline pipeline, String after) {
    pipeline.addAfter(after, "web-tls", tls.newHandler(pipeline.channel().alloc()));
    pipeline.addAfter("web-tls", "web-http", new HttpServerCodec());
    pipeline.addAfter("web-http", "web-aggregate", new HttpObjectAggregator(64 * 1024));
    pipeline.addAfter("web-aggregate", "web-api", new Handler());
  }

  byte[] body(String path) {
    Map<String, Object> proxy = new LinkedHashMap<>();
    proxy.put("tls_routing_enabled", true);
    proxy.put(
        "ssh",
        Map.of(
            "public_addr", publicAddress.get(),
            "ssh_public_addr", publicAddress.get(),
            "ssh_tunnel_public_addr", publicAddress.get()));
    Map<String, Object> answer = new LinkedHashMap<>();
    if (path.equals("/webapi/ping")) {
      answer.put("auth", Map.of("type", "local", "second_factor", "otp"));
    }
    answer.put("proxy", proxy);
    answer.put("server_version", serverVersion);
    answer.put("min_client_version", "15.0.0");
    answer.put("cluster_name", clusterName);
    answer.put("automatic_upgrades", false);
    try {
      return JSON.writeValueAsBytes(answer);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      String path = new QueryStringDecoder(request.uri()).path();
      FullHttpResponse response;
      if (request.method().equals(HttpMethod.GET)
          && (path.equals("/webapi/ping") || path.equals("/webapi/find"))) {
        response =
            new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(body(path)));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
      } else {
        response =
            new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.NOT_FOUND,
                Unpooled.wrappedBuffer("{\"error\":{\"message\":\"not found\"}}".getBytes()));
      }
      HttpUtil.setContentLength(response, response.content().readableBytes());
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      HttpUtil.setKeepAlive(response, keepAlive);
      var written = ctx.writeAndFlush(response);
      if (!keepAlive) {
        written.addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
