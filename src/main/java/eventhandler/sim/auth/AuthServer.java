package eventhandler.sim.auth;

import eventhandler.sim.data.CallLatency;
import eventhandler.sim.data.ClusterData;
import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerTransportFilter;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The Auth Service's gRPC port over real mutual TLS: the audit log and {@code proto.AuthService}
 * ({@code Ping}, {@code UpsertLock}), every call recorded and, on demand, old clients refused.
 */
public final class AuthServer {
  /** Big enough for a 33 MiB event and then some. */
  private static final int MAX_INBOUND_MESSAGE_BYTES = 4 * 1024 * 1024;

  private final ClusterData data;
  private final Connections connections;
  private final AtomicBoolean bulkExport;
  private final StreamCounter streams = new StreamCounter();
  private final CallRecorder calls;
  private final ClientVersionGate versionGate;
  private final SimulatedAuthService authService;
  private volatile CallLatency latency = CallLatency.NONE;
  private Server server;

  /**
   * @param oldestClient clients older than this are refused; null lets every client in
   * @param proxyAddress what {@code Ping} reports as the proxy's public address
   */
  public AuthServer(
      ClusterData data,
      Connections connections,
      AtomicBoolean bulkExport,
      String clusterName,
      String serverVersion,
      SemVer oldestClient,
      Supplier<String> proxyAddress) {
    this.data = data;
    this.connections = connections;
    this.bulkExport = bulkExport;
    this.calls = new CallRecorder(data.faults());
    this.versionGate = new ClientVersionGate(oldestClient, connections);
    this.authService = new SimulatedAuthService(data, clusterName, serverVersion, proxyAddress);
  }

  /** What each call of the events API costs from now on. */
  public void latency(CallLatency latency) {
    this.latency = latency;
  }

  /** Listens on {@code address}; returns the address bound. */
  public InetSocketAddress start(
      InetSocketAddress address,
      SslContext tls,
      EventLoopGroup boss,
      EventLoopGroup workers,
      ExecutorService executor,
      ScheduledExecutorService scheduler)
      throws IOException {
    SimulatedAuditLog auditLog =
        new SimulatedAuditLog(
            data, streams, connections, bulkExport, scheduler, executor, () -> latency);
    server =
        NettyServerBuilder.forAddress(address)
            .channelFactory(connections::newAuthServerChannel)
            .bossEventLoopGroup(boss)
            .workerEventLoopGroup(workers)
            .executor(executor)
            .sslContext(tls)
            .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
            // The Go client pings every minute even without calls; Teleport allows that.
            .permitKeepAliveTime(30, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            .addTransportFilter(
                new ServerTransportFilter() {
                  @Override
                  public Attributes transportReady(Attributes attributes) {
                    connections.handshakeDone(
                        attributes.get(Grpc.TRANSPORT_ATTR_SSL_SESSION),
                        attributes.get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
                    return attributes;
                  }
                })
            // The last interceptor runs first: every call is recorded, then version-checked.
            .addService(ServerInterceptors.intercept(auditLog, versionGate, calls))
            .addService(ServerInterceptors.intercept(authService, versionGate, calls))
            .build()
            .start();
    return (InetSocketAddress) server.getListenSockets().get(0);
  }

  /** Stops listening and cancels every call. */
  public void shutdownNow() {
    if (server != null) {
      server.shutdownNow();
    }
  }

  public void awaitTermination() throws InterruptedException {
    if (server != null) {
      server.awaitTermination(5, TimeUnit.SECONDS);
      server = null;
    }
  }

  /** Server streams started and not yet completed, failed or cancelled. */
  public int openStreams() {
    return streams.open();
  }

  /** Messages sent on all server streams so far. */
  public long streamedMessages() {
    return streams.messages();
  }

  /** Calls received (the most recent 10,000), in order. */
  public List<ReceivedCall> receivedCalls() {
    return calls.calls();
  }

  /** Calls refused for their {@code version} header. */
  public long refusedOldClientCalls() {
    return versionGate.refused();
  }
}
