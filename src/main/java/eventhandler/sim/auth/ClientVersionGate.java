package eventhandler.sim.auth;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses old clients as an Auth Service run with {@code TELEPORT_UNSTABLE_REJECT_OLD_CLIENTS=yes}
 * does ({@code ValidateClientVersion} in {@code lib/auth/middleware.go}): a call whose {@code
 * version} header is older than {@code oldest}, or is not semver, fails with PERMISSION_DENIED
 * "client version is unsupported" and the client's connection is closed. A call without the header
 * passes. With {@code oldest} null every call passes.
 */
final class ClientVersionGate implements ServerInterceptor {
  private static final Logger log = LoggerFactory.getLogger(ClientVersionGate.class);
  static final String REFUSAL = "client version is unsupported";

  private final SemVer oldest;
  private final Connections connections;
  private final AtomicLong refused = new AtomicLong();

  ClientVersionGate(SemVer oldest, Connections connections) {
    this.oldest = oldest;
    this.connections = connections;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if (oldest == null || !headers.containsKey(CallRecorder.VERSION)) {
      return next.startCall(call, headers);
    }
    String version = headers.get(CallRecorder.VERSION);
    boolean supported = SemVer.parse(version).map(v -> v.compareTo(oldest) >= 0).orElse(false);
    if (supported) {
      return next.startCall(call, headers);
    }
    refused.incrementAndGet();
    SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    log.debug("auth: refusing client version {} (oldest supported {})", version, oldest);
    call.close(Status.PERMISSION_DENIED.withDescription(REFUSAL), new Metadata());
    // Teleport closes the connection first; closing it once the status is out lets a client
    // see the reason instead of a bare disconnect, and still has to reconnect.
    return new ServerCall.Listener<>() {
      @Override
      public void onComplete() {
        connections.closeAuthConnection(remote);
      }

      @Override
      public void onCancel() {
        connections.closeAuthConnection(remote);
      }
    };
  }

  /** Calls refused so far. */
  long refused() {
    return refused.get();
  }
}
