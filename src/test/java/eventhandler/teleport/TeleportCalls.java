package eventhandler.teleport;

import eventhandler.teleport.proto.auditlog.AuditLogServiceGrpc;
import eventhandler.teleport.proto.auditlog.EventUnstructured;
import eventhandler.teleport.proto.auditlog.ExportEventUnstructured;
import eventhandler.teleport.proto.auth.AuthServiceGrpc;
import eventhandler.teleport.proto.auth.PingRequest;
import eventhandler.teleport.proto.auth.PingResponse;
import io.grpc.CallOptions;
import java.time.LocalDate;
import java.util.function.Function;

/**
 * Calls the export does not make, for tests: Ping as a liveness check, and the two streams decoded
 * in full. They go through the client's own channel, reconnection and error translation.
 */
public final class TeleportCalls {
  private TeleportCalls() {}

  /** {@code AuthService.Ping}. */
  public static PingResponse ping(GrpcTeleportClient client) {
    return client.unary(
        AuthServiceGrpc.getPingMethod(),
        PingRequest.getDefaultInstance(),
        "pinging the Auth Service (Ping)",
        StatusTranslator.EVENT_RULES);
  }

  /** {@code ExportUnstructuredEvents} with each event decoded. */
  public static EventStream<ChunkItem> exportChunk(
      GrpcTeleportClient client, LocalDate date, String chunk, String cursor) {
    return client.stream(
        AuditLogServiceGrpc.getExportUnstructuredEventsMethod(),
        GrpcTeleportClient.exportRequest(date, chunk, cursor),
        (ExportEventUnstructured item) -> new ChunkItem(item.getEvent(), item.getCursor()),
        "exporting chunk " + chunk + " of " + date + " (ExportUnstructuredEvents)",
        CallOptions.DEFAULT);
  }

  /** {@code StreamUnstructuredSessionEvents} with each event decoded. */
  public static EventStream<EventUnstructured> streamSession(
      GrpcTeleportClient client, String sessionId, int startIndex) {
    return client.stream(
        AuditLogServiceGrpc.getStreamUnstructuredSessionEventsMethod(),
        GrpcTeleportClient.sessionRequest(sessionId, startIndex),
        Function.identity(),
        GrpcTeleportClient.streamSessionOperation(sessionId, startIndex),
        CallOptions.DEFAULT);
  }
}
