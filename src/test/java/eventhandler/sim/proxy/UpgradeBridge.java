package eventhandler.sim.proxy;

import eventhandler.sim.SimulatedCluster;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * A client side of {@code /webapi/connectionupgrade} for tests: listens on 127.0.0.1 and carries
 * each accepted connection through its own upgrade to the simulated proxy, as Teleport's client
 * does behind an L7 load balancer. So a plain TLS or gRPC client pointed at {@link #address()}
 * speaks through the upgrade. The outer TLS checks the web certificate for {@code localhost}.
 * Records what the proxy sent besides data: ping payloads and close frames.
 */
final class UpgradeBridge implements AutoCloseable {
  private final InetSocketAddress target;
  private final boolean webSocket;
  private final String type;
  private final boolean answerPings;
  private final SslContext outerTls;
  private final EventLoopGroup group =
      new NioEventLoopGroup(1, new DefaultThreadFactory("test-upgrade-bridge", true));
  private final Channel server;
  private final Set<Channel> upstreams = ConcurrentHashMap.newKeySet();

  /** Payloads of the WebSocket pings the proxy sent. */
  final List<String> pings = new CopyOnWriteArrayList<>();

  /** Ping packets (length 0) the proxy sent on a legacy alpn-ping upgrade. */
  final AtomicInteger legacyPings = new AtomicInteger();

  /** Status codes of the close frames the proxy sent. */
  final List<Integer> closeFrames = new CopyOnWriteArrayList<>();

  /** Why an upgrade failed, if one did. */
  final List<Throwable> failures = new CopyOnWriteArrayList<>();

  private UpgradeBridge(
      InetSocketAddress target,
      X509Certificate ca,
      boolean webSocket,
      String type,
      boolean answerPings)
      throws InterruptedException, SSLException {
    this.target = target;
    this.webSocket = webSocket;
    this.type = type;
    this.answerPings = answerPings;
    this.outerTls =
        SslContextBuilder.forClient().sslProvider(SslProvider.JDK).trustManager(ca).build();
    server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childOption(ChannelOption.AUTO_READ, false)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel local) {
                    local.pipeline().addLast(new LocalSide());
                  }
                })
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .sync()
            .channel();
  }

  /**
   * WebSocket upgrade with sub-protocol {@code subProtocol} ({@code alpn} or {@code alpn-ping}).
   */
  static UpgradeBridge webSocket(SimulatedCluster cluster, String subProtocol, boolean answerPings)
      throws InterruptedException, SSLException {
    return webSocket(
        cluster.proxySocketAddress(), cluster.webCaCertificate(), subProtocol, answerPings);
  }

  /**
   * A WebSocket upgrade at {@code target} (the front, or a load balancer before it) whose TLS
   * certificate {@code ca} signs.
   */
  static UpgradeBridge webSocket(
      InetSocketAddress target, X509Certificate ca, String subProtocol, boolean answerPings)
      throws InterruptedException, SSLException {
    return new UpgradeBridge(target, ca, true, subProtocol, answerPings);
  }

  /** Legacy upgrade of {@code type} ({@code alpn} or {@code alpn-ping}). */
  static UpgradeBridge legacy(SimulatedCluster cluster, String type)
      throws InterruptedException, SSLException {
    return new UpgradeBridge(
        cluster.proxySocketAddress(), cluster.webCaCertificate(), false, type, false);
  }

  InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  /** Sends a WebSocket close frame on every upgraded connection. */
  void sendCloseFrames() {
    for (Channel upstream : upstreams) {
      upstream.writeAndFlush(new CloseWebSocketFrame(1000, "test done"));
    }
  }

  /** Upgraded connections to the proxy still open. */
  int openUpgrades() {
    return (int) upstreams.stream().filter(Channel::isActive).count();
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** The accepted side: opens the upgrade, then forwards its bytes into it. */
  private final class LocalSide extends ChannelInboundHandlerAdapter {
    private Channel upstream;

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      Channel local = ctx.channel();
      InetSocketAddress proxy = target;
      new Bootstrap()
          .group(local.eventLoop())
          .channel(NioSocketChannel.class)
          .handler(
              new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel channel) {
                  // SNI and host name check against the proxy's own name, as Teleport's client.
                  SslHandler tls =
                      outerTls.newHandler(channel.alloc(), "localhost", proxy.getPort());
                  SSLParameters parameters = tls.engine().getSSLParameters();
                  parameters.setEndpointIdentificationAlgorithm("HTTPS");
                  tls.engine().setSSLParameters(parameters);
                  channel.pipeline().addLast(tls, new HttpClientCodec());
                  channel.pipeline().addLast(new HttpObjectAggregator(64 * 1024));
                  channel.pipeline().addLast(new Upgrader(local, proxy));
                }
              })
          .connect(proxy)
          .addListener(
              connected -> {
                if (!connected.isSuccess()) {
                  failures.add(connected.cause());
                  local.close();
                }
              });
    }

    void upgraded(Channel upstream) {
      this.upstream = upstream;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
      ByteBuf bytes = (ByteBuf) message;
      upstream.writeAndFlush(webSocket ? new BinaryWebSocketFrame(bytes) : bytes);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (upstream != null && upstream.isActive()) {
        if (webSocket) {
          upstream.writeAndFlush(new CloseWebSocketFrame(1000, "client closed"));
        }
        upstream.close();
      }
    }
  }

  /** Sends the upgrade request and, on the 101, turns the connection into the stream. */
  private final class Upgrader extends ChannelInboundHandlerAdapter {
    private final Channel local;
    private final InetSocketAddress proxy;
    private WebSocketClientHandshaker handshaker;

    Upgrader(Channel local, InetSocketAddress proxy) {
      this.local = local;
      this.proxy = proxy;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      String path = "/webapi/connectionupgrade";
      if (webSocket) {
        handshaker =
            WebSocketClientHandshakerFactory.newHandshaker(
                URI.create("wss://localhost:" + proxy.getPort() + path),
                WebSocketVersion.V13,
                type,
                false,
                new DefaultHttpHeaders(),
                16 * 1024 * 1024);
        handshaker.handshake(ctx.channel());
      } else {
        FullHttpRequest request =
            new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
        request.headers().set(HttpHeaderNames.HOST, "localhost:" + proxy.getPort());
        request.headers().set(HttpHeaderNames.UPGRADE, type);
        request.headers().set("X-Teleport-Upgrade", type);
        request.headers().set(HttpHeaderNames.CONNECTION, "Upgrade");
        ctx.writeAndFlush(request);
      }
      ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
      FullHttpResponse response = (FullHttpResponse) message;
      try {
        Channel channel = ctx.channel();
        if (webSocket) {
          handshaker.finishHandshake(channel, response); // checks the 101 and the accept key
          ctx.pipeline().replace(this, "frames", new Frames(local));
        } else {
          if (!response.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
            throw new IllegalStateException("no upgrade: " + response.status());
          }
          ctx.pipeline().remove(HttpObjectAggregator.class);
          if (type.equals("alpn-ping")) {
            ctx.pipeline()
                .addBefore(
                    ctx.name(),
                    "pingconn-decoder",
                    new LengthFieldBasedFrameDecoder(16 * 1024 * 1024, 0, 4, 0, 4));
            ctx.pipeline().addBefore(ctx.name(), "pingconn-encoder", new LengthFieldPrepender(4));
          }
          ctx.pipeline().replace(this, "raw", new Raw(local));
          ctx.pipeline().remove(HttpClientCodec.class);
        }
        upstreams.add(channel);
        local.pipeline().get(LocalSide.class).upgraded(channel);
        local.config().setAutoRead(true);
      } catch (RuntimeException e) {
        failures.add(e);
        ctx.close();
        local.close();
      } finally {
        response.release();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      failures.add(cause);
      ctx.close();
      local.close();
    }
  }

  /** WebSocket frames from the proxy: data to the local side, pings answered unless told not. */
  private final class Frames extends ChannelInboundHandlerAdapter {
    private final Channel local;

    Frames(Channel local) {
      this.local = local;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
      if (message instanceof BinaryWebSocketFrame frame) {
        local.writeAndFlush(frame.content());
      } else if (message instanceof PingWebSocketFrame ping) {
        pings.add(ping.content().toString(StandardCharsets.US_ASCII));
        if (answerPings) {
          ctx.writeAndFlush(new PongWebSocketFrame(ping.content()));
        } else {
          ping.release();
        }
      } else if (message instanceof CloseWebSocketFrame close) {
        closeFrames.add(close.statusCode());
        close.release();
        ctx.close();
      } else {
        ReferenceCountUtil.release(message);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      local.close();
    }
  }

  /** Raw bytes from the proxy (legacy), pings (empty packets) counted and dropped. */
  private final class Raw extends ChannelInboundHandlerAdapter {
    private final Channel local;

    Raw(Channel local) {
      this.local = local;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
      ByteBuf bytes = (ByteBuf) message;
      if (!bytes.isReadable()) {
        legacyPings.incrementAndGet();
        bytes.release();
        return;
      }
      local.writeAndFlush(bytes);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      local.close();
    }
  }
}
