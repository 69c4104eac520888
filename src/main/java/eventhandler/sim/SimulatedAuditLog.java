package eventhandler.sim;

import com.google.protobuf.Timestamp;
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
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;

/**
 * {@code teleport.auditlog.v1.AuditLogService} over the simulated audit log, with Teleport's limits
 * and error codes: search paging, session recordings and bulk export.
 */
final class SimulatedAuditLog extends AuditLogServiceGrpc.AuditLogServiceImplBase {
  static final int DEFAULT_LIMIT = 500;
  static final int MAX_LIMIT = 10_000;

  /**
   * Events examined per search call at most; like DynamoDB, a sparse filter may then return a short
   * page with a cursor, which clients must handle.
   */
  static final int SCAN_BUDGET = 250_000;

  private final long seed;
  private final AuditEvents events;
  private final SessionRecordings recordings;
  private final ExportChunks chunks;
  private final Faults faults;
  private final StreamCounter streams;
  private final Connections connections;
  private final AtomicBoolean bulkExport;
  private final ScheduledExecutorService scheduler;
  private final Executor executor;
  private final AtomicLong chunkListings = new AtomicLong();

  SimulatedAuditLog(
      long seed,
      AuditEvents events,
      SessionRecordings recordings,
      ExportChunks chunks,
      Faults faults,
      StreamCounter streams,
      Connections connections,
      AtomicBoolean bulkExport,
      ScheduledExecutorService scheduler,
      Executor executor) {
    this.seed = seed;
    this.events = events;
    this.recordings = recordings;
    this.chunks = chunks;
    this.faults = faults;
    this.streams = streams;
    this.connections = connections;
    this.bulkExport = bulkExport;
    this.scheduler = scheduler;
    this.executor = executor;
  }

  @Override
  public void getUnstructuredEvents(
      GetUnstructuredEventsRequest request, StreamObserver<EventsUnstructured> observer) {
    Duration delay = faults.delay(Rpc.GET_UNSTRUCTURED_EVENTS);
    if (delay.isZero()) {
      answerSearch(request, observer);
    } else {
      scheduler.schedule(
          () -> executor.execute(() -> answerSearch(request, observer)),
          delay.toMillis(),
          TimeUnit.MILLISECONDS);
    }
  }

  private void answerSearch(
      GetUnstructuredEventsRequest request, StreamObserver<EventsUnstructured> observer) {
    EventsUnstructured page;
    try {
      page = search(request);
    } catch (StatusException e) {
      observer.onError(e);
      return;
    }
    try {
      observer.onNext(page);
      observer.onCompleted();
    } catch (RuntimeException e) {
      // The client went away while the page was delayed or built.
    }
  }

  EventsUnstructured search(GetUnstructuredEventsRequest request) throws StatusException {
    int limit = request.getLimit();
    if (limit > MAX_LIMIT) {
      throw Status.INVALID_ARGUMENT
          .withDescription(
              "limit " + limit + " exceeds the maximum of " + MAX_LIMIT + " events per page")
          .asException();
    }
    if (limit <= 0) {
      limit = DEFAULT_LIMIT;
    }
    Set<String> types = Set.copyOf(request.getEventTypesList());
    EventTimeline timeline = events.timeline();
    long startMillis = ceilMillis(request.getStartDate());
    long endMillis = ceilMillis(request.getEndDate());
    long lo = timeline.firstIndexAtOrAfter(startMillis);
    long hi = endMillis <= startMillis ? lo : timeline.firstIndexAtOrAfter(endMillis);
    OptionalLong cursor = OptionalLong.empty();
    if (!request.getStartKey().isEmpty()) {
      cursor = Cursors.decode(Cursors.SEARCH, request.getStartKey());
      if (cursor.isEmpty()) {
        throw Status.INVALID_ARGUMENT
            .withDescription("start_key is not a cursor this server issued")
            .asException();
      }
    }
    // The Go client sends 0 for ascending (it casts its own order type, where ascending is 0),
    // and the server casts back, so 1 means descending here.
    boolean descending = request.getOrderValue() == 1;
    EventsUnstructured.Builder page = EventsUnstructured.newBuilder();
    int scanned = 0;
    if (!descending) {
      long i = cursor.isPresent() ? Math.max(cursor.getAsLong(), lo) : lo;
      for (; i < hi && page.getItemsCount() < limit && scanned < SCAN_BUDGET; i++, scanned++) {
        if (types.isEmpty() || types.contains(events.typeOf(i))) {
          page.addItems(events.event(i));
        }
      }
      if (i < hi) {
        page.setLastKey(Cursors.encode(Cursors.SEARCH, i));
      }
    } else {
      long i = cursor.isPresent() ? Math.min(cursor.getAsLong(), hi) : hi;
      for (; i > lo && page.getItemsCount() < limit && scanned < SCAN_BUDGET; i--, scanned++) {
        if (types.isEmpty() || types.contains(events.typeOf(i - 1))) {
          page.addItems(events.event(i - 1));
        }
      }
      if (i > lo) {
        page.setLastKey(Cursors.encode(Cursors.SEARCH, i));
      }
    }
    return page.build();
  }

  @Override
  public void streamUnstructuredSessionEvents(
      StreamUnstructuredSessionEventsRequest request, StreamObserver<EventUnstructured> observer) {
    Optional<SessionRecordings.Recording> recording = recordings.find(request.getSessionId());
    if (recording.isEmpty() || faults.takeLateRecording(request.getSessionId())) {
      observer.onError(
          Status.NOT_FOUND
              .withDescription(
                  "a recording for session " + request.getSessionId() + " was not found")
              .asException());
      return;
    }
    Iterator<EventUnstructured> events =
        recordings.events(recording.get(), request.getStartIndex());
    if (faults.recordingCorrupt(request.getSessionId())) {
      events = new DamagedAt(events, recording.get().length() / 2);
    }
    pump(Rpc.STREAM_SESSION_EVENTS, observer, events);
  }

  /** A recording that cannot be read past one index: the stream fails there with INTERNAL. */
  private static final class DamagedAt implements Iterator<EventUnstructured> {
    private final Iterator<EventUnstructured> events;
    private final long damagedIndex;
    private EventUnstructured next;

    DamagedAt(Iterator<EventUnstructured> events, long damagedIndex) {
      this.events = events;
      this.damagedIndex = damagedIndex;
    }

    @Override
    public boolean hasNext() {
      if (next == null && events.hasNext()) {
        next = events.next();
      }
      if (next != null && next.getIndex() >= damagedIndex) {
        throw new StreamPump.Failure(
            Status.INTERNAL.withDescription(
                "simulated damaged recording: unexpected EOF reading event " + damagedIndex));
      }
      return next != null;
    }

    @Override
    public EventUnstructured next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      EventUnstructured result = next;
      next = null;
      return result;
    }
  }

  @Override
  public void getEventExportChunks(
      GetEventExportChunksRequest request, StreamObserver<EventExportChunk> observer) {
    if (!bulkExport.get()) {
      observer.onError(unimplemented("GetEventExportChunks"));
      return;
    }
    List<ExportChunks.Chunk> list = new ArrayList<>(chunks.chunksOf(utcDate(request.getDate())));
    // Teleport lists chunks in no stable order; clients must not rely on one.
    Collections.shuffle(list, new Random(SeededHash.of(seed, chunkListings.incrementAndGet(), 7)));
    Iterator<EventExportChunk> names =
        list.stream()
            .map(chunk -> EventExportChunk.newBuilder().setChunk(chunk.name()).build())
            .iterator();
    pump(Rpc.GET_EVENT_EXPORT_CHUNKS, observer, names);
  }

  @Override
  public void exportUnstructuredEvents(
      ExportUnstructuredEventsRequest request, StreamObserver<ExportEventUnstructured> observer) {
    if (!bulkExport.get()) {
      observer.onError(unimplemented("ExportUnstructuredEvents"));
      return;
    }
    LocalDate day = utcDate(request.getDate());
    Optional<ExportChunks.Chunk> found = chunks.find(day, request.getChunk());
    if (found.isEmpty()) {
      observer.onError(
          Status.NOT_FOUND
              .withDescription("export chunk " + request.getChunk() + " of " + day + " not found")
              .asException());
      return;
    }
    ExportChunks.Chunk chunk = found.get();
    long from = chunk.fromIndex();
    if (!request.getCursor().isEmpty()) {
      OptionalLong cursor = Cursors.decode(Cursors.EXPORT, request.getCursor());
      if (cursor.isEmpty()
          || cursor.getAsLong() < chunk.fromIndex()
          || cursor.getAsLong() > chunk.toIndex()) {
        observer.onError(
            Status.INVALID_ARGUMENT
                .withDescription("cursor does not belong to chunk " + chunk.name())
                .asException());
        return;
      }
      from = cursor.getAsLong();
    }
    pump(
        Rpc.EXPORT_UNSTRUCTURED_EVENTS,
        observer,
        new IndexIterator<>(
            from,
            chunk.toIndex(),
            i ->
                ExportEventUnstructured.newBuilder()
                    .setEvent(events.event(i))
                    .setCursor(Cursors.encode(Cursors.EXPORT, i + 1))
                    .build()));
  }

  private <T> void pump(Rpc rpc, StreamObserver<T> observer, Iterator<T> source) {
    SocketAddress client = CallRecorder.REMOTE_ADDRESS.get();
    BooleanSupplier closeConnection = () -> connections.closeAuthConnection(client);
    StreamPump.start(
        (ServerCallStreamObserver<T>) observer,
        source,
        faults.takeCut(rpc),
        closeConnection,
        streams,
        faults.delay(rpc),
        scheduler,
        executor);
  }

  private static StatusException unimplemented(String method) {
    // What an older Auth Service (or one without the Athena backend) answers.
    return Status.UNIMPLEMENTED
        .withDescription(
            "unknown method " + method + " for service teleport.auditlog.v1.AuditLogService")
        .asException();
  }

  static LocalDate utcDate(Timestamp timestamp) {
    return LocalDate.ofInstant(Instant.ofEpochSecond(timestamp.getSeconds()), ZoneOffset.UTC);
  }

  /** Milliseconds, rounded up, so "time >= t" compares exactly against millisecond times. */
  static long ceilMillis(Timestamp timestamp) {
    return timestamp.getSeconds() * 1000 + (timestamp.getNanos() + 999_999) / 1_000_000;
  }

  /** Messages for the indexes {@code [from, to)}, made one at a time. */
  static final class IndexIterator<T> implements Iterator<T> {
    private long next;
    private final long end;
    private final LongFunction<T> make;

    IndexIterator(long from, long end, LongFunction<T> make) {
      this.next = from;
      this.end = end;
      this.make = make;
    }

    @Override
    public boolean hasNext() {
      return next < end;
    }

    @Override
    public T next() {
      if (next >= end) {
        throw new NoSuchElementException();
      }
      return make.apply(next++);
    }
  }
}
