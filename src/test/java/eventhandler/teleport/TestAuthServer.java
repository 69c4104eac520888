package eventhandler.teleport;

import com.google.protobuf.Empty;
import eventhandler.teleport.proto.auditlog.AuditLogServiceGrpc;
import eventhandler.teleport.proto.auth.AuthServiceGrpc;
import eventhandler.teleport.proto.auth.PingRequest;
import eventhandler.teleport.proto.auth.PingResponse;
import eventhandler.teleport.proto.types.LockV2;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * A minimal Auth Service for client tests: real mTLS gRPC on 127.0.0.1 with a Teleport-shaped
 * server certificate, a scriptable audit log service, and records of what clients sent.
 */
final class TestAuthServer implements AutoCloseable {
  final TestPki pki;
  final List<String> versionHeaders = new CopyOnWriteArrayList<>();
  final List<BigInteger> clientSerials = new CopyOnWriteArrayList<>();
  final List<LockV2> locks = new CopyOnWriteArrayList<>();
  final AtomicInteger openCalls = new AtomicInteger();
  final AtomicInteger cancelledCalls = new AtomicInteger();
  volatile Status pingFailure;
  volatile Status lockFailure;
  private final AuditLogServiceGrpc.AuditLogServiceImplBase auditLog;
  private Server server;
  private int port;

  TestAuthServer(TestPki pki, AuditLogServiceGrpc.AuditLogServiceImplBase auditLog)
      throws IOException {
    this.pki = pki;
    this.auditLog = auditLog;
    start(0);
  }

  int port() {
    return port;
  }

  String address() {
    return "127.0.0.1:" + port;
  }

  /** Stops the server, dropping every connection, and starts it again on the same port. */
  void restart() throws IOException, InterruptedException {
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
    start(port);
  }

  private void start(int wantedPort) throws IOException {
    Recorder recorder = new Recorder();
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", wantedPort))
            .sslContext(
                // The JDK's TLS answers an untrusted client certificate with bad_certificate, as
                // Teleport's Go TLS does; BoringSSL through Netty would send internal_error.
                GrpcSslContexts.configure(
                        SslContextBuilder.forServer(
                            pki.server.keyPair().getPrivate(), pki.server.certificate()),
                        SslProvider.JDK)
                    .trustManager(pki.ca.certificate())
                    .clientAuth(ClientAuth.REQUIRE)
                    .build())
            .permitKeepAliveTime(1, TimeUnit.MINUTES)
            .permitKeepAliveWithoutCalls(true)
            .addService(ServerInterceptors.intercept(new Auth(), recorder))
            .addService(ServerInterceptors.intercept(auditLog, recorder))
            .build()
            .start();
    port = ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
  }

  private final class Auth extends AuthServiceGrpc.AuthServiceImplBase {
    @Override
    public void ping(PingRequest request, StreamObserver<PingResponse> response) {
      Status failure = pingFailure;
      if (failure != null) {
        response.onError(failure.asRuntimeException());
        return;
      }
      response.onNext(
          PingResponse.newBuilder()
              .setClusterName(pki.clusterName)
              .setServerVersion("16.4.12")
              .build());
      response.onCompleted();
    }

    @Override
    public void upsertLock(LockV2 request, StreamObserver<Empty> response) {
      Status failure = lockFailure;
      if (failure != null) {
        response.onError(failure.asRuntimeException());
        return;
      }
      locks.add(request);
      response.onNext(Empty.getDefaultInstance());
      response.onCompleted();
    }
  }

  /** Records the version header, the client certificate, and which calls are still open. */
  private final class Recorder implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      String version = headers.get(VersionHeader.KEY);
      versionHeaders.add(version == null ? "<none>" : version);
      SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
      try {
        Certificate[] peer = session.getPeerCertificates();
        clientSerials.add(((X509Certificate) peer[0]).getSerialNumber());
      } catch (SSLPeerUnverifiedException e) {
        clientSerials.add(BigInteger.ZERO);
      }
      openCalls.incrementAndGet();
      return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(
          next.startCall(call, headers)) {
        @Override
        public void onComplete() {
          openCalls.decrementAndGet();
          super.onComplete();
        }

        @Override
        public void onCancel() {
          openCalls.decrementAndGet();
          cancelledCalls.incrementAndGet();
          super.onCancel();
        }
      };
    }
  }
}
