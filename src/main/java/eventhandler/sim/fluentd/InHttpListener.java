package eventhandler.sim.fluentd;

import eventhandler.tls.KeyStores;
import eventhandler.tls.NativeTls;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/**
 * The receiver's port: TLS with a required client certificate (and Fluentd's failure on session
 * resumption), keep-alive with an idle timeout, then one {@link InHttpHandler} per connection.
 */
final class InHttpListener {
  private final FluentdReceiverBuilder settings;
  private final ReceiverCounts counts;
  private final Supplier<InHttpHandler> handlers;
  private final SslContext sslContext;
  private final EventLoopGroup acceptors;
  private final EventLoopGroup workers;
  private final ChannelGroup connections =
      new DefaultChannelGroup("fluentd-receiver", GlobalEventExecutor.INSTANCE);
  private final TlsResumptionTrap.IssuedSessions issuedSessions =
      new TlsResumptionTrap.IssuedSessions();
  private final int port;
  private Channel listener;

  InHttpListener(
      FluentdReceiverBuilder settings, ReceiverCounts counts, Supplier<InHttpHandler> handlers)
      throws IOException {
    this.settings = settings;
    this.counts = counts;
    this.handlers = handlers;
    this.sslContext = serverContext(settings);
    this.acceptors = new NioEventLoopGroup(1, new DefaultThreadFactory("fluentd-accept", true));
    this.workers =
        new NioEventLoopGroup(settings.threads, new DefaultThreadFactory("fluentd-receiver", true));
    try {
      this.listener = bind(settings.port);
    } catch (IOException | RuntimeException e) {
      shutdownGroups();
      throw e;
    }
    this.port = ((InetSocketAddress) listener.localAddress()).getPort();
  }

  int port() {
    return port;
  }

  synchronized void stopListening() {
    if (listener != null) {
      listener.close().syncUninterruptibly();
      listener = null;
    }
  }

  void dropConnections() {
    connections.close().syncUninterruptibly();
  }

  synchronized void resumeListening() throws IOException {
    if (listener == null) {
      listener = bind(port);
    }
  }

  void close() {
    stopListening();
    dropConnections();
    shutdownGroups();
  }

  private Channel bind(int wantedPort) throws IOException {
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(acceptors, workers)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel channel) {
                    initConnection(channel);
                  }
                });
    try {
      return bootstrap.bind("127.0.0.1", wantedPort).syncUninterruptibly().channel();
    } catch (RuntimeException e) {
      throw new IOException("the Fluentd receiver cannot listen on 127.0.0.1:" + wantedPort, e);
    }
  }

  private void initConnection(SocketChannel channel) {
    connections.add(channel);
    counts.connectionsAccepted.increment();
    ChannelPipeline pipeline = channel.pipeline();
    if (settings.trapResumption) {
      pipeline.addLast(
          "resumption-trap", new TlsResumptionTrap(issuedSessions, counts.resumptionsRefused));
    }
    SslHandler tls = sslContext.newHandler(channel.alloc());
    SSLEngine engine = tls.engine();
    tls.handshakeFuture()
        .addListener(
            handshake -> {
              if (handshake.isSuccess()) {
                counts.handshakes.increment();
                issuedSessions.add(engine.getSession().getId());
              } else {
                counts.handshakeFailures.increment();
              }
            });
    pipeline.addLast("tls", tls);
    pipeline.addLast(
        "keep-alive",
        new IdleStateHandler(0, 0, settings.keepAliveTimeout.toMillis(), TimeUnit.MILLISECONDS));
    pipeline.addLast("http", new HttpServerCodec());
    pipeline.addLast("in_http", handlers.get());
  }

  private static SslContext serverContext(FluentdReceiverBuilder settings) throws IOException {
    try {
      return SslContextBuilder.forServer(
              KeyStores.keyManager(settings.serverKey, settings.serverChain))
          .sslProvider(NativeTls.provider())
          .trustManager(KeyStores.trustManager(settings.clientCas))
          .clientAuth(ClientAuth.REQUIRE)
          .protocols(settings.protocols)
          .build();
    } catch (SSLException e) {
      throw new IOException("the Fluentd receiver cannot set up TLS", e);
    }
  }

  private void shutdownGroups() {
    acceptors.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
