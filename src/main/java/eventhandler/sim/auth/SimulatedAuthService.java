package eventhandler.sim.auth;

import com.google.protobuf.Empty;
import eventhandler.sim.data.ClusterData;
import eventhandler.teleport.proto.auth.AuthServiceGrpc;
import eventhandler.teleport.proto.auth.PingRequest;
import eventhandler.teleport.proto.auth.PingResponse;
import eventhandler.teleport.proto.types.LockTarget;
import eventhandler.teleport.proto.types.LockV2;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.net.SocketAddress;
import java.util.function.Supplier;

/** {@code proto.AuthService}: {@code Ping} and {@code UpsertLock} (which records the lock). */
final class SimulatedAuthService extends AuthServiceGrpc.AuthServiceImplBase {
  private final String clusterName;
  private final String serverVersion;
  private final Supplier<String> proxyAddress;
  private final ClusterData data;

  SimulatedAuthService(
      ClusterData data, String clusterName, String serverVersion, Supplier<String> proxyAddress) {
    this.data = data;
    this.clusterName = clusterName;
    this.serverVersion = serverVersion;
    this.proxyAddress = proxyAddress;
  }

  @Override
  public void ping(PingRequest request, StreamObserver<PingResponse> observer) {
    SocketAddress remote = CallRecorder.REMOTE_ADDRESS.get();
    observer.onNext(
        PingResponse.newBuilder()
            .setClusterName(clusterName)
            .setServerVersion(serverVersion)
            .setProxyPublicAddr(proxyAddress.get())
            .setRemoteAddr(remote == null ? "" : remote.toString())
            .build());
    observer.onCompleted();
  }

  @Override
  public void upsertLock(LockV2 lock, StreamObserver<Empty> observer) {
    if (lock.getSpec().getTarget().equals(LockTarget.getDefaultInstance())) {
      observer.onError(
          Status.INVALID_ARGUMENT
              .withDescription("at least one target field must be set")
              .asException());
      return;
    }
    data.recordLock(lock);
    observer.onNext(Empty.getDefaultInstance());
    observer.onCompleted();
  }
}
