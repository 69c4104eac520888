package eventhandler.sim.auth;

import eventhandler.sim.data.CallLatency;
import eventhandler.sim.data.ClusterData;
import eventhandler.sim.data.Faults;
import eventhandler.sim.data.Rpc;
import eventhandler.teleport.proto.auditlog.AuditLogServiceGrpc;
import eventhandler.teleport.proto.auditlog.EventExportChunk;
import eventhandler.teleport.proto.auditlog.EventUnstructured;
import eventhandler.teleport.proto.auditlog.EventsUnstructured;
import eventhandler.teleport.proto.auditlog.ExportEventUnstructured;
import eventhandler.teleport.proto.auditlog.ExportUnstructuredEventsRequest;
import eventhandler.teleport.proto.auditlog.GetEventExportChunksRequest;
import eventhandler.teleport.proto.auditlog.GetUnstructuredEventsRequest;
import eventhandler.teleport.proto.auditlog.StreamUnstructuredSessionEventsRequest;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Iterator;
import java.util.OptionalInt;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code teleport.auditlog.v1.AuditLogService} over the simulated cluster's data: the answers come
 * from {@link ClusterData}; this class adds what a call does on the wire (delays, streams cut or
 * failing part way, the bulk export methods switched off).
 */
final class SimulatedAuditLog extends AuditLogServiceGrpc.AuditLogServiceImplBase {
  private final ClusterData data;
  private final Faults faults;
  private final StreamCounter streams;
  private final Connections connections;
  private final AtomicBoolean bulkExport;
  private final ScheduledExecutorService scheduler;
  private final Executor executor;
  private final Supplier<CallLatency> latency;

  SimulatedAuditLog(
      ClusterData data,
      StreamCounter streams,
      Connections connections,
      AtomicBoolean bulkExport,
      ScheduledExecutorService scheduler,
      Executor executor,
      Supplier<CallLatency> latency) {
    this.data = data;
    this.faults = data.faults();
    this.streams = streams;
    this.connections = connections;
    this.bulkExport = bulkExport;
    this.scheduler = scheduler;
    this.executor = executor;
    this.latency = latency;
  }

  @Override
  public void getUnstructuredEvents(
      GetUnstructuredEventsRequest request, StreamObserver<EventsUnstructured> observer) {
    EventsUnstructured page;
    try {
      page = data.search(request);
    } catch (StatusException e) {
      observer.onError(e);
      return;
    }
    // The page is known before the wait, so the wait can cost per event returned.
    Duration delay =
        faults
            .delay(Rpc.GET_UNSTRUCTURED_EVENTS)
            .plus(latency.get().forEvents(page.getItemsCount()));
    if (delay.isZero()) {
      answerSearch(page, observer);
    } else {
      scheduler.schedule(
          () -> executor.execute(() -> answerSearch(page, observer)),
          delay.toNanos(),
          TimeUnit.NANOSECONDS);
    }
  }

  private static void answerSearch(
      EventsUnstructured page, StreamObserver<EventsUnstructured> observer) {
    try {
      observer.onNext(page);
      observer.onCompleted();
    } catch (RuntimeException e) {
      // The client went away while the page was delayed or built.
    }
  }

  @Override
  public void streamUnstructuredSessionEvents(
      StreamUnstructuredSessionEventsRequest request, StreamObserver<EventUnstructured> observer) {
    String sessionId = request.getSessionId();
    OptionalInt length = data.recordingLength(sessionId);
    if (length.isEmpty() || faults.takeLateRecording(sessionId)) {
      observer.onError(
          Status.NOT_FOUND
              .withDescription("a recording for session " + sessionId + " was not found")
              .asException());
      return;
    }
    Iterator<EventUnstructured> events = data.recordingEvents(sessionId, request.getStartIndex());
    if (faults.recordingCorrupt(sessionId)) {
      events = new DamagedRecording(events, length.getAsInt() / 2);
    }
    // Recordings come from the session storage, not the events backend: no CallLatency.
    pump(Rpc.STREAM_SESSION_EVENTS, observer, events, Duration.ZERO, Duration.ZERO);
  }

  @Override
  public void getEventExportChunks(
      GetEventExportChunksRequest request, StreamObserver<EventExportChunk> observer) {
    if (refusedWithoutBulkExport(observer, "GetEventExportChunks")) {
      return;
    }
    Iterator<EventExportChunk> names =
        data.exportChunkNames(request.getDate()).stream()
            .map(name -> EventExportChunk.newBuilder().setChunk(name).build())
            .iterator();
    pump(Rpc.GET_EVENT_EXPORT_CHUNKS, observer, names, latency.get().perCall(), Duration.ZERO);
  }

  @Override
  public void exportUnstructuredEvents(
      ExportUnstructuredEventsRequest request, StreamObserver<ExportEventUnstructured> observer) {
    if (refusedWithoutBulkExport(observer, "ExportUnstructuredEvents")) {
      return;
    }
    Iterator<ExportEventUnstructured> events;
    try {
      events = data.exportChunkEvents(request.getDate(), request.getChunk(), request.getCursor());
    } catch (StatusException e) {
      observer.onError(e);
      return;
    }
    CallLatency cost = latency.get();
    pump(Rpc.EXPORT_UNSTRUCTURED_EVENTS, observer, events, cost.perCall(), cost.perEvent());
  }

  private <T> void pump(
      Rpc rpc, StreamObserver<T> observer, Iterator<T> source, Duration first, Duration each) {
    SocketAddress client = CallRecorder.REMOTE_ADDRESS.get();
    BooleanSupplier closeConnection = () -> connections.closeAuthConnection(client);
    StreamPump.start(
        (ServerCallStreamObserver<T>) observer,
        source,
        faults.takeCut(rpc),
        closeConnection,
        streams,
        faults.delay(rpc).plus(first),
        each,
        scheduler,
        executor);
  }

  /** With bulk export off, fails the call as an Auth Service without it does; says whether. */
  private boolean refusedWithoutBulkExport(StreamObserver<?> observer, String method) {
    if (bulkExport.get()) {
      return false;
    }
    observer.onError(unimplemented(method));
    return true;
  }

  private static StatusException unimplemented(String method) {
    // What an older Auth Service (or one without the Athena backend) answers.
    return Status.UNIMPLEMENTED
        .withDescription(
            "unknown method " + method + " for service teleport.auditlog.v1.AuditLogService")
        .asException();
  }
}
