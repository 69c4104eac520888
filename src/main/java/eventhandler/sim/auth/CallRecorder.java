package eventhandler.sim.auth;

import eventhandler.sim.data.Faults;
import eventhandler.sim.data.Rpc;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Sees every call first: records its method and {@code version} header, fails it when a fault asks
 * for that, and makes the client's address available to the service (to cut its connection).
 */
final class CallRecorder implements ServerInterceptor {
  static final Context.Key<SocketAddress> REMOTE_ADDRESS = Context.key("sim-remote-address");
  static final Metadata.Key<String> VERSION =
      Metadata.Key.of("version", Metadata.ASCII_STRING_MARSHALLER);

  /** Keeps memory bounded in long demo runs; tests look at far fewer calls. */
  private static final int MAX_RECORDED = 10_000;

  private final Faults faults;
  private final Deque<ReceivedCall> calls = new ArrayDeque<>();

  CallRecorder(Faults faults) {
    this.faults = faults;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    record(new ReceivedCall(method, headers.get(VERSION)));
    Rpc rpc = Rpc.byFullMethodName(method);
    if (rpc != null && faults.takeFailure(rpc)) {
      call.close(
          Status.UNAVAILABLE.withDescription("simulated outage of " + method), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    Context context =
        Context.current()
            .withValue(REMOTE_ADDRESS, call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
    return Contexts.interceptCall(context, call, headers, next);
  }

  private synchronized void record(ReceivedCall call) {
    if (calls.size() == MAX_RECORDED) {
      calls.removeFirst();
    }
    calls.addLast(call);
  }

  synchronized List<ReceivedCall> calls() {
    return List.copyOf(calls);
  }
}
