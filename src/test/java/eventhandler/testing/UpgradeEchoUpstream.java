package eventhandler.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLException;

/**
 * The HTTPS server behind the load balancer in the harness's own tests: a WebSocket echo on {@link
 * #WEBSOCKET_PATH} and, on {@link #ALPN_UPGRADE_PATH}, Teleport's kind of raw upgrade ({@code
 * Upgrade: alpn}, 101, then raw bytes echoed). It records each request as it arrived, so a test can
 * see which headers the load balancer passed.
 */
final class UpgradeEchoUpstream implements AutoCloseable {
  static final String WEBSOCKET_PATH = "/ws";
  static final String ALPN_UPGRADE_PATH = "/webapi/connectionupgrade";

  /** A request as the upstream saw it, with the server name the load balancer sent. */
  record SeenRequest(String uri, HttpHeaders headers, Optional<String> serverName) {}

  private final EventLoopGroup group = new NioEventLoopGroup(1);
  private final List<SeenRequest> requests = new CopyOnWriteArrayList<>();
  private final Channel server;

  private UpgradeEchoUpstream(SslContext tls) throws InterruptedException {
    server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel channel) {
                    channel
                        .pipeline()
                        .addLast("tls", tls.newHandler(channel.alloc()))
                        .addLast("http", new HttpServerCodec())
                        .addLast("aggregate", new HttpObjectAggregator(64 * 1024))
                        .addLast("record", new Recorder())
                        .addLast("websocket", new WebSocketServerProtocolHandler(WEBSOCKET_PATH))
                        .addLast("echo-frames", new FrameEcho())
                        .addLast("route", new Router());
                  }
                })
            .bind(FreePorts.LOOPBACK, 0)
            .sync()
            .channel();
  }

  static UpgradeEchoUpstream start(LoopbackPki.ServerIdentity identity) {
    try {
      SslContext tls =
          SslContextBuilder.forServer(
                  identity.certificateFile().toFile(), identity.keyFile().toFile())
              .build();
      return new UpgradeEchoUpstream(tls);
    } catch (SSLException e) {
      throw new IllegalStateException("could not load the upstream's certificate", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  String address() {
    return "127.0.0.1:" + port();
  }

  List<SeenRequest> requests() {
    return List.copyOf(requests);
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private final class Recorder extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof FullHttpRequest request) {
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        Optional<String> serverName =
            ((ExtendedSSLSession) tls.engine().getSession())
                .getRequestedServerNames().stream()
                    .filter(SNIHostName.class::isInstance)
                    .map(name -> ((SNIHostName) name).getAsciiName())
                    .findFirst();
        requests.add(new SeenRequest(request.uri(), request.headers().copy(), serverName));
      }
      ctx.fireChannelRead(msg);
    }
  }

  private static final class FrameEcho extends SimpleChannelInboundHandler<TextWebSocketFrame> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
      ctx.writeAndFlush(new TextWebSocketFrame("echo: " + frame.text()));
    }
  }

  /** Requests the WebSocket handler let through: the raw upgrade and everything else. */
  private static final class Router extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      if (!request.uri().equals(ALPN_UPGRADE_PATH)) {
        respond(ctx, HttpResponseStatus.NOT_FOUND, "no such path\n");
      } else if (!request.headers().containsValue(HttpHeaderNames.UPGRADE, "alpn", true)
          || !request
              .headers()
              .containsValue(HttpHeaderNames.CONNECTION, HttpHeaderNames.UPGRADE, true)) {
        respond(ctx, HttpResponseStatus.BAD_REQUEST, "expected Upgrade: alpn\n");
      } else {
        switchToRawEcho(ctx);
      }
    }

    private static void switchToRawEcho(ChannelHandlerContext ctx) {
      // Leave HTTP before answering, so the first raw bytes can never reach the HTTP decoder.
      // (Every handler but TLS goes: the WebSocket handler adds handlers of its own.)
      ChannelPipeline pipeline = ctx.pipeline();
      for (String name : pipeline.names()) {
        if (!name.equals("tls")
            && pipeline.context(name) != null
            && pipeline.get(name) != ctx.handler()) {
          pipeline.remove(name);
        }
      }
      pipeline.addLast(new RawEcho());
      ByteBuf response =
          Unpooled.copiedBuffer(
              "HTTP/1.1 101 Switching Protocols\r\nUpgrade: alpn\r\nConnection: Upgrade\r\n\r\n",
              StandardCharsets.US_ASCII);
      ctx.writeAndFlush(response);
      pipeline.remove(ctx.handler());
    }

    private static void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String body) {
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
      HttpUtil.setContentLength(response, response.content().readableBytes());
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }

  private static final class RawEcho extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.writeAndFlush(msg);
    }
  }
}
