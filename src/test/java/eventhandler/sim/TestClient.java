package eventhandler.sim;

import eventhandler.teleport.proto.auditlog.AuditLogServiceGrpc;
import eventhandler.teleport.proto.auditlog.EventExportChunk;
import eventhandler.teleport.proto.auditlog.GetEventExportChunksRequest;
import eventhandler.teleport.proto.auth.AuthServiceGrpc;
import eventhandler.tls.Pem;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A hand-configured gRPC client for the simulator's own tests (the real client lives elsewhere):
 * mutual TLS from an identity file, authority {@code teleport.cluster.local}, ALPN h2, and for
 * proxy mode the {@code teleport-auth@...} protocol first.
 */
public final class TestClient implements AutoCloseable {
  public static final Metadata.Key<String> VERSION =
      Metadata.Key.of("version", Metadata.ASCII_STRING_MARSHALLER);

  final ManagedChannel channel;
  public final AuditLogServiceGrpc.AuditLogServiceBlockingStub auditLog;
  public final AuditLogServiceGrpc.AuditLogServiceStub auditLogAsync;
  public final AuthServiceGrpc.AuthServiceBlockingStub auth;

  /** What the test client sends as its {@code version} header unless told otherwise. */
  public static final String DEFAULT_VERSION = "16.4.12";

  /** {@code version} null sends no version header. */
  private TestClient(ManagedChannel channel, String version) {
    this.channel = channel;
    Metadata headers = new Metadata();
    if (version != null) {
      headers.put(VERSION, version);
    }
    var withVersion = MetadataUtils.newAttachHeadersInterceptor(headers);
    this.auditLog = AuditLogServiceGrpc.newBlockingStub(channel).withInterceptors(withVersion);
    this.auditLogAsync = AuditLogServiceGrpc.newStub(channel).withInterceptors(withVersion);
    this.auth = AuthServiceGrpc.newBlockingStub(channel).withInterceptors(withVersion);
  }

  public static TestClient direct(SimulatedCluster cluster, Path identity) throws IOException {
    return connect(cluster.authSocketAddress(), identity, List.of("h2"));
  }

  public static TestClient viaProxy(SimulatedCluster cluster, Path identity) throws IOException {
    return connect(
        cluster.proxySocketAddress(), identity, List.of(cluster.authAlpnProtocol(), "h2"));
  }

  /**
   * A direct client whose HTTP/2 window stays at 64 KiB (gRPC's starts at 1 MiB and grows), so a
   * recording of a few hundred KiB cannot be written out in full before the client reads it.
   */
  public static TestClient directWithSmallWindow(SimulatedCluster cluster, Path identity)
      throws IOException {
    return connect(
        cluster.authSocketAddress(), identity, List.of("h2"), 64 * 1024, DEFAULT_VERSION);
  }

  public static TestClient connect(InetSocketAddress address, Path identity, List<String> alpn)
      throws IOException {
    return connect(address, identity, alpn, 0, DEFAULT_VERSION);
  }

  /** A client whose calls carry {@code version} (null: no version header). */
  public static TestClient connect(
      InetSocketAddress address, Path identity, List<String> alpn, String version)
      throws IOException {
    return connect(address, identity, alpn, 0, version);
  }

  /** {@code flowControlWindow} 0 keeps gRPC's own flow control. */
  private static TestClient connect(
      InetSocketAddress address,
      Path identity,
      List<String> alpn,
      int flowControlWindow,
      String version)
      throws IOException {
    String text = Files.readString(identity, StandardCharsets.US_ASCII);
    PrivateKey key = Pem.readPrivateKey(text, identity.toString(), null);
    List<X509Certificate> certificates = Pem.readCertificates(text, identity.toString());
    SslContext tls =
        GrpcSslContexts.forClient()
            .keyManager(key, certificates.get(0))
            .trustManager(certificates.subList(1, certificates.size()))
            .applicationProtocolConfig(
                new ApplicationProtocolConfig(
                    ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                    alpn))
            .build();
    NettyChannelBuilder builder =
        NettyChannelBuilder.forAddress(address)
            .sslContext(tls)
            .overrideAuthority("teleport.cluster.local")
            .maxInboundMessageSize(64 * 1024 * 1024);
    if (flowControlWindow > 0) {
      builder.flowControlWindow(flowControlWindow);
    }
    ManagedChannel channel = builder.build();
    return new TestClient(channel, version);
  }

  /** The names of the bulk export chunks of {@code day}, in the order the cluster lists them. */
  public List<String> chunkNames(LocalDate day) {
    List<String> names = new ArrayList<>();
    auditLog
        .getEventExportChunks(
            GetEventExportChunksRequest.newBuilder()
                .setDate(AuditLogApiTest.timestamp(day.atStartOfDay(ZoneOffset.UTC).toInstant()))
                .build())
        .forEachRemaining((EventExportChunk chunk) -> names.add(chunk.getChunk()));
    return names;
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow();
    channel.awaitTermination(5, TimeUnit.SECONDS);
  }
}
