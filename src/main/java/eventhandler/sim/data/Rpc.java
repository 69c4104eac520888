package eventhandler.sim.data;

import eventhandler.teleport.proto.auditlog.AuditLogServiceGrpc;
import eventhandler.teleport.proto.auth.AuthServiceGrpc;
import io.grpc.MethodDescriptor;
import java.util.Arrays;

/**
 * The methods the simulated Auth Service serves. Names and streaming kinds come from the generated
 * descriptors, so they cannot drift from the .proto files.
 */
public enum Rpc {
  GET_UNSTRUCTURED_EVENTS(AuditLogServiceGrpc.getGetUnstructuredEventsMethod()),
  STREAM_SESSION_EVENTS(AuditLogServiceGrpc.getStreamUnstructuredSessionEventsMethod()),
  GET_EVENT_EXPORT_CHUNKS(AuditLogServiceGrpc.getGetEventExportChunksMethod()),
  EXPORT_UNSTRUCTURED_EVENTS(AuditLogServiceGrpc.getExportUnstructuredEventsMethod()),
  PING(AuthServiceGrpc.getPingMethod()),
  UPSERT_LOCK(AuthServiceGrpc.getUpsertLockMethod());

  private final MethodDescriptor<?, ?> method;

  Rpc(MethodDescriptor<?, ?> method) {
    this.method = method;
  }

  /** Like {@code teleport.auditlog.v1.AuditLogService/GetUnstructuredEvents}. */
  public String fullMethodName() {
    return method.getFullMethodName();
  }

  public boolean serverStreaming() {
    return method.getType() == MethodDescriptor.MethodType.SERVER_STREAMING;
  }

  /** The method with this full name, or null for one the simulator does not know. */
  public static Rpc byFullMethodName(String name) {
    return Arrays.stream(values())
        .filter(rpc -> rpc.fullMethodName().equals(name))
        .findFirst()
        .orElse(null);
  }
}
