package eventhandler.teleport;

import com.google.common.util.concurrent.ListenableFuture;
import eventhandler.teleport.dial.Bridge;
import eventhandler.teleport.dial.BridgeChannel;
import eventhandler.teleport.dial.Front;
import eventhandler.teleport.dial.FrontBridge;
import eventhandler.teleport.dial.FrontEventLoop;
import eventhandler.teleport.dial.Upgrade;
import eventhandler.teleport.proto.auth.AuthServiceGrpc;
import eventhandler.teleport.proto.auth.PingRequest;
import eventhandler.teleport.proto.auth.PingResponse;
import eventhandler.teleport.ssh.SshIdentity;
import eventhandler.teleport.ssh.SshTunnel;
import eventhandler.teleport.ssh.TunnelBridge;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Makes the gRPC channel of one {@link Way} and sends its first Ping: a plain socket, a socket
 * through an outbound proxy, a {@link FrontBridge} for a front with its own TLS, or a {@link
 * TunnelBridge} whose connections are {@code teleport-transport} channels of the Proxy's SSH
 * tunnel. In every case gRPC's own TLS to Auth (client certificate, cluster CA) is the same.
 */
final class WayDialer {
  /** ALPN of SSH inside TLS on the Proxy's web port. */
  static final String REVERSE_TUNNEL_ALPN = "teleport-reversetunnel";

  /** Runs the blocking SSH steps (connect, login, channel, dial) off the event loop. */
  private static final ExecutorService SSH_DIALS =
      Executors.newCachedThreadPool(
          task -> {
            Thread thread = new Thread(task, "teleport-ssh-dial");
            thread.setDaemon(true);
            return thread;
          });

  /** One way being tried: its channel, the bridge its connections take (if any), its Ping. */
  record Attempt(
      Way way,
      ManagedChannel channel,
      Optional<Bridge> bridge,
      ListenableFuture<PingResponse> ping) {
    /** Closes the channel now, and the bridge its connections take, if any. */
    void release() {
      channel.shutdownNow();
      bridge.ifPresent(Bridge::close);
    }
  }

  private final ConnectOptions settings;
  private final TeleportAddress address;
  private final ReloadableCredentials credentials;
  private final Clock clock;

  WayDialer(
      ConnectOptions settings,
      TeleportAddress address,
      ReloadableCredentials credentials,
      Clock clock) {
    this.settings = settings;
    this.address = address;
    this.credentials = credentials;
    this.clock = clock;
  }

  Attempt launch(Way way, String clusterName, String version) {
    Front front = way.front();
    Optional<Bridge> bridge = Optional.empty();
    NettyChannelBuilder builder;
    if (way.ssh() != Way.Ssh.NONE) {
      bridge = Optional.of(sshBridge(way));
      builder = bridged(bridge.get().address());
    } else if (front.needsBridge()) {
      bridge = Optional.of(new FrontBridge(front, FrontEventLoop.group()));
      builder = bridged(bridge.get().address());
    } else if (front.path().proxy().isPresent()) {
      builder =
          NettyChannelBuilder.forAddress(front.path().connectAddress())
              .channelFactory(front::newChannel)
              .eventLoopGroup(FrontEventLoop.group());
    } else {
      builder = NettyChannelBuilder.forAddress(address.host(), address.port());
    }
    List<String> protocols = way.alpnProtocols(clusterName);
    ManagedChannel channel =
        builder
            .overrideAuthority(way.serverName())
            .sslContext(TeleportSslContext.create(credentials, way.serverName(), protocols))
            .proxyDetector(socketAddress -> null) // proxies are the front's job (HTTPS_PROXY)
            .withOption(
                ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.dialTimeout().toMillis())
            .keepAliveTime(TeleportConnector.KEEPALIVE_TIME.toMillis(), TimeUnit.MILLISECONDS)
            .keepAliveTimeout(TeleportConnector.KEEPALIVE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
            .keepAliveWithoutCalls(true)
            .maxInboundMessageSize(settings.maxInboundMessageSize())
            .intercept(VersionHeader.interceptor(version))
            .build();
    return new Attempt(
        way,
        channel,
        bridge,
        ClientCalls.futureUnaryCall(
            channel.newCall(
                AuthServiceGrpc.getPingMethod(),
                CallOptions.DEFAULT.withDeadlineAfter(
                    settings.dialTimeout().toMillis(), TimeUnit.MILLISECONDS)),
            PingRequest.getDefaultInstance()));
  }

  private static NettyChannelBuilder bridged(SocketAddress bridge) {
    return NettyChannelBuilder.forAddress(bridge)
        .channelType(BridgeChannel.class)
        .eventLoopGroup(FrontEventLoop.group());
  }

  /**
   * The SSH tunnel of an SSH way. Plain SSH without an outbound proxy connects straight; anything
   * else (TLS with ALPN teleport-reversetunnel, an upgrade, a CONNECT proxy) goes through a
   * loopback {@link FrontBridge}, because the SSH library speaks only to sockets.
   */
  private Bridge sshBridge(Way way) {
    Front front = way.front();
    String host = front.path().host();
    int port = front.path().port();
    Optional<FrontBridge> outer = Optional.empty();
    SocketAddress connectTo;
    if (way.ssh() == Way.Ssh.REVERSE_TUNNEL && front.isDirect()) {
      connectTo = new InetSocketAddress(host, port);
    } else {
      outer =
          Optional.of(FrontBridge.loopback(front, FrontEventLoop.group(), p -> tunnelTls(way, p)));
      connectTo = outer.get().address();
    }
    SshTunnel tunnel =
        new SshTunnel(
            InetSocketAddress.createUnresolved(host, port),
            connectTo,
            this::sshIdentity,
            settings.dialTimeout(),
            clock);
    return new TunnelBridge(tunnel, outer.map(b -> b), FrontEventLoop.group(), SSH_DIALS);
  }

  /**
   * The TLS the SSH travels in on the web port: straight on it, the web certificate (system roots,
   * host name); inside a connection upgrade, the Proxy checked against the cluster's CAs.
   */
  private void tunnelTls(Way way, ChannelPipeline pipeline) {
    if (way.ssh() != Way.Ssh.TLS_ROUTING) {
      return; // plain SSH, here only because of an outbound proxy
    }
    Front front = way.front();
    String host = front.path().host();
    int port = front.path().port();
    if (front.upgrade() == Upgrade.NONE) {
      pipeline.addLast(
          "tunnel-tls",
          front.webTls().handler(pipeline.channel().alloc(), host, port, REVERSE_TUNNEL_ALPN));
    } else {
      pipeline.addLast(
          "tunnel-tls",
          TeleportSslContext.create(credentials, host, List.of(REVERSE_TUNNEL_ALPN))
              .newHandler(pipeline.channel().alloc(), host, port));
    }
  }

  private SshIdentity sshIdentity() {
    Credentials current = credentials.current();
    try {
      return SshIdentity.of(
          current.privateKey(), current.sshCertificate().orElseThrow(), current.sshAuthorities());
    } catch (SshIdentity.InvalidException e) {
      throw new TeleportException(
          TeleportException.Kind.CREDENTIALS, current.source() + ": " + e.getMessage(), e);
    }
  }
}
