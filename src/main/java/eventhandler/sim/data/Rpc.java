package eventhandler.sim.data;

/** The methods the simulated Auth Service serves, by their full gRPC names. */
public enum Rpc {
  GET_UNSTRUCTURED_EVENTS("teleport.auditlog.v1.AuditLogService/GetUnstructuredEvents", false),
  STREAM_SESSION_EVENTS(
      "teleport.auditlog.v1.AuditLogService/StreamUnstructuredSessionEvents", true),
  GET_EVENT_EXPORT_CHUNKS("teleport.auditlog.v1.AuditLogService/GetEventExportChunks", true),
  EXPORT_UNSTRUCTURED_EVENTS("teleport.auditlog.v1.AuditLogService/ExportUnstructuredEvents", true),
  PING("proto.AuthService/Ping", false),
  UPSERT_LOCK("proto.AuthService/UpsertLock", false);

  private final String fullMethodName;
  private final boolean serverStreaming;

  Rpc(String fullMethodName, boolean serverStreaming) {
    this.fullMethodName = fullMethodName;
    this.serverStreaming = serverStreaming;
  }

  public String fullMethodName() {
    return fullMethodName;
  }

  public boolean serverStreaming() {
    return serverStreaming;
  }

  /** The method with this full name, or null for one the simulator does not know. */
  public static Rpc byFullMethodName(String name) {
    for (Rpc rpc : values()) {
      if (rpc.fullMethodName.equals(name)) {
        return rpc;
      }
    }
    return null;
  }
}
