package eventhandler.teleport.dial;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads {@code GET /webapi/find} from a Proxy Service, unauthenticated, as Teleport's client does
 * before it picks a way in: through the same outbound proxy, verified with {@link WebTrust}.
 */
public final class WebApiClient {
  public static final String FIND_PATH = "/webapi/find";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_ANSWER_BYTES = 1024 * 1024;

  private final EventLoopGroup group;
  private final WebTls tls;

  public WebApiClient(EventLoopGroup group, WebTls tls) {
    this.group = group;
    this.tls = tls;
  }

  /** The Proxy's answer; a failure names the URL and what came back. */
  public ProxyInfo find(ProxyPath path) throws DialException, InterruptedException {
    String url = "https://" + hostPort(path) + FIND_PATH;
    Front front = new Front(path, Upgrade.NONE, tls);
    CompletableFuture<FullHttpResponse> answer = new CompletableFuture<>();
    Channel channel = null;
    try {
      var connect =
          path.connect(
              group,
              pipeline -> {
                pipeline.addLast(tls.handler(pipeline.channel().alloc(), path.host(), path.port()));
                pipeline.addLast(new HttpClientCodec());
                pipeline.addLast(new HttpObjectAggregator(MAX_ANSWER_BYTES));
                pipeline.addLast(new Exchange(path, answer));
              });
      channel = connect.channel();
      connect.addListener(
          connected -> {
            if (!connected.isSuccess()) {
              answer.completeExceptionally(connected.cause());
            }
          });
      channel
          .closeFuture()
          .addListener(
              closed ->
                  answer.completeExceptionally(
                      new DialException("the connection closed without an answer")));
      FullHttpResponse response = answer.get(path.timeout().toMillis(), TimeUnit.MILLISECONDS);
      try {
        return parse(url, response);
      } finally {
        response.release();
      }
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      String reason =
          cause instanceof DialException
              ? cause.getMessage()
              : DialFailures.explain(front, cause).getMessage();
      throw new DialException(url + ": " + reason, cause);
    } catch (TimeoutException e) {
      throw new DialException(url + ": no answer within " + path.timeout().toSeconds() + " s");
    } finally {
      if (channel != null) {
        channel.close();
      }
    }
  }

  private static ProxyInfo parse(String url, FullHttpResponse response) throws DialException {
    String body = response.content().toString(StandardCharsets.UTF_8);
    if (response.status().code() != 200) {
      throw new DialException(
          url
              + " answered HTTP "
              + response.status()
              + firstLine(body)
              + " (not a Teleport Proxy's web port?)");
    }
    try {
      JsonNode json = JSON.readTree(body);
      if (json == null || !json.has("proxy")) {
        throw new DialException(
            url + " answered JSON without \"proxy\" (not a Teleport Proxy?)" + firstLine(body));
      }
      return ProxyInfo.of(json);
    } catch (IOException e) {
      throw new DialException(url + " answered something that is not JSON" + firstLine(body));
    }
  }

  private static String firstLine(String body) {
    String line = body.lines().findFirst().orElse("").strip();
    return line.isEmpty() ? "" : ": " + LegacyUpgradeHandler.abbreviate(line);
  }

  private static String hostPort(ProxyPath path) {
    return (path.host().contains(":") ? "[" + path.host() + "]" : path.host()) + ":" + path.port();
  }

  /** Sends the request once the tunnel and TLS are up, and hands the answer over. */
  private static final class Exchange extends SimpleChannelInboundHandler<FullHttpResponse> {
    private final ProxyPath path;
    private final CompletableFuture<FullHttpResponse> answer;

    Exchange(ProxyPath path, CompletableFuture<FullHttpResponse> answer) {
      super(false);
      this.path = path;
      this.answer = answer;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      FullHttpRequest request =
          new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, FIND_PATH);
      request.headers().set(HttpHeaderNames.HOST, hostPort(path));
      request.headers().set(HttpHeaderNames.ACCEPT, "application/json");
      request.headers().set(HttpHeaderNames.CONNECTION, "close");
      ctx.writeAndFlush(request);
      ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
      if (!answer.complete(response)) {
        response.release();
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
        answer.completeExceptionally(done.cause()); // before the close that follows it
      }
      ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      answer.completeExceptionally(cause);
      ctx.close();
    }
  }
}
