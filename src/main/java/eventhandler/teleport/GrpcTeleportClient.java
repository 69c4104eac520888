package eventhandler.teleport;

import com.google.protobuf.Timestamp;
import eventhandler.teleport.proto.auditlog.AuditLogServiceGrpc;
import eventhandler.teleport.proto.auditlog.EventExportChunk;
import eventhandler.teleport.proto.auditlog.EventUnstructuredEncoded;
import eventhandler.teleport.proto.auditlog.EventsUnstructuredEncoded;
import eventhandler.teleport.proto.auditlog.ExportEventUnstructuredEncoded;
import eventhandler.teleport.proto.auditlog.ExportUnstructuredEventsRequest;
import eventhandler.teleport.proto.auditlog.GetEventExportChunksRequest;
import eventhandler.teleport.proto.auditlog.GetUnstructuredEventsRequest;
import eventhandler.teleport.proto.auditlog.Order;
import eventhandler.teleport.proto.auditlog.StreamUnstructuredSessionEventsRequest;
import eventhandler.teleport.proto.auth.AuthServiceGrpc;
import eventhandler.teleport.proto.auth.PingResponse;
import eventhandler.teleport.proto.types.LockV2;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TeleportClient} over one gRPC channel to the Auth Service. The channel reconnects by
 * itself after a lost connection; new connections use the credentials current at that time. Build
 * it with {@link TeleportConnector}.
 */
public final class GrpcTeleportClient implements TeleportClient {
  private static final Logger LOG = LoggerFactory.getLogger(GrpcTeleportClient.class);
  private static final String NAMESPACE = "default";
  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);

  /** A way that has failed for this long is given up, and the ways are tried from the start. */
  static final Duration REDIAL_AFTER = ConnectionInUse.REDIAL_AFTER;

  private final ConnectionInUse connection;
  private final TeleportAddress address;
  private final ReloadableCredentials credentials;
  private final PingResponse cluster;
  private final StatusTranslator translator;
  private final Duration callTimeout;
  private final Set<CallStream<?, ?>> openStreams = ConcurrentHashMap.newKeySet();

  GrpcTeleportClient(
      WayChooser.Connected connected,
      Supplier<WayChooser.Connected> redial,
      TeleportAddress address,
      ReloadableCredentials credentials,
      StatusTranslator translator,
      Duration callTimeout,
      Clock clock,
      MeterRegistry registry) {
    this.connection = new ConnectionInUse(connected, redial, address, clock, registry);
    this.address = address;
    this.credentials = credentials;
    this.cluster = connected.pong();
    this.translator = translator;
    this.callTimeout = callTimeout;
  }

  /** How the connection reaches the Auth Service: direct, or through the Proxy's router. */
  public ConnectionMode connectionMode() {
    return connection.way().route();
  }

  /** The whole way in use: route, load balancer upgrade, outbound proxy. */
  public Way way() {
    return connection.way();
  }

  public TeleportAddress address() {
    return address;
  }

  /** The Ping answer received when connecting: cluster name, server version... */
  public PingResponse cluster() {
    return cluster;
  }

  /** The credentials in use, and their reload. */
  public ReloadableCredentials credentials() {
    return credentials;
  }

  /**
   * Reads the identity (or key pair) files again now, e.g. on SIGHUP. New connections use the new
   * certificate; open ones keep theirs. A failed reload keeps the old credentials and logs why.
   */
  public ReloadableCredentials.Outcome reload() {
    return credentials.reload();
  }

  /** Server streams currently open (the {@code eventhandler_teleport_streams_open} gauge). */
  public int openStreamCount() {
    return openStreams.size();
  }

  /**
   * {@code GetUnstructuredEvents} with an answer type that leaves each event's Struct encoded (same
   * method, same wire format), as the streams below.
   */
  private static final MethodDescriptor<GetUnstructuredEventsRequest, EventsUnstructuredEncoded>
      SEARCH_ENCODED =
          AuditLogServiceGrpc.getGetUnstructuredEventsMethod().toBuilder(
                  ProtoUtils.marshaller(GetUnstructuredEventsRequest.getDefaultInstance()),
                  ProtoUtils.marshaller(EventsUnstructuredEncoded.getDefaultInstance()))
              .build();

  @Override
  public EventPage searchEvents(
      Instant from, Instant to, List<String> types, int limit, String startKey) {
    GetUnstructuredEventsRequest request =
        GetUnstructuredEventsRequest.newBuilder()
            .setNamespace(NAMESPACE)
            .setStartDate(timestamp(from))
            .setEndDate(timestamp(to))
            .addAllEventTypes(types)
            .setLimit(limit)
            .setStartKey(startKey == null ? "" : startKey)
            // 0 on the wire: the Go client's "ascending" (see teleport-api.md §1.2).
            .setOrder(Order.ORDER_DESCENDING_UNSPECIFIED)
            .build();
    EventsUnstructuredEncoded page =
        unary(
            SEARCH_ENCODED,
            request,
            "searching audit events from " + from + " to " + to + " (GetUnstructuredEvents)",
            StatusTranslator.EVENT_RULES);
    List<TeleportEvent> events = new ArrayList<>(page.getItemsCount());
    for (EventUnstructuredEncoded item : page.getItemsList()) {
      events.add(TeleportEvent.of(item));
    }
    return new EventPage(events, page.getLastKey());
  }

  @Override
  public List<String> listExportChunks(LocalDate date) {
    String operation = "listing the export chunks of " + date + " (GetEventExportChunks)";
    List<String> chunks = new ArrayList<>();
    try (EventStream<String> stream =
        stream(
            AuditLogServiceGrpc.getGetEventExportChunksMethod(),
            GetEventExportChunksRequest.newBuilder().setDate(timestamp(date)).build(),
            EventExportChunk::getChunk,
            operation,
            deadline())) {
      while (stream.hasNext()) {
        chunks.add(stream.next());
      }
    }
    return chunks;
  }

  /**
   * {@code ExportUnstructuredEvents} with a response type that leaves each event's Struct encoded
   * (same method, same wire format).
   */
  private static final MethodDescriptor<
          ExportUnstructuredEventsRequest, ExportEventUnstructuredEncoded>
      EXPORT_ENCODED =
          AuditLogServiceGrpc.getExportUnstructuredEventsMethod().toBuilder(
                  ProtoUtils.marshaller(ExportUnstructuredEventsRequest.getDefaultInstance()),
                  ProtoUtils.marshaller(ExportEventUnstructuredEncoded.getDefaultInstance()))
              .build();

  /** {@code StreamUnstructuredSessionEvents} likewise. */
  private static final MethodDescriptor<
          StreamUnstructuredSessionEventsRequest, EventUnstructuredEncoded>
      SESSION_ENCODED =
          AuditLogServiceGrpc.getStreamUnstructuredSessionEventsMethod().toBuilder(
                  ProtoUtils.marshaller(
                      StreamUnstructuredSessionEventsRequest.getDefaultInstance()),
                  ProtoUtils.marshaller(EventUnstructuredEncoded.getDefaultInstance()))
              .build();

  @Override
  public EventStream<ExportedEvent> exportChunkEvents(LocalDate date, String chunk, String cursor) {
    return stream(
        EXPORT_ENCODED,
        exportRequest(date, chunk, cursor),
        (ExportEventUnstructuredEncoded item) ->
            new ExportedEvent(TeleportEvent.of(item.getEvent()), item.getCursor()),
        "exporting chunk " + chunk + " of " + date + " (ExportUnstructuredEvents)",
        CallOptions.DEFAULT);
  }

  @Override
  public EventStream<TeleportEvent> streamSessionEvents(String sessionId, int startIndex) {
    return stream(
        SESSION_ENCODED,
        sessionRequest(sessionId, startIndex),
        TeleportEvent::of,
        streamSessionOperation(sessionId, startIndex),
        CallOptions.DEFAULT);
  }

  static ExportUnstructuredEventsRequest exportRequest(
      LocalDate date, String chunk, String cursor) {
    return ExportUnstructuredEventsRequest.newBuilder()
        .setDate(timestamp(date))
        .setChunk(chunk)
        .setCursor(cursor == null ? "" : cursor)
        .build();
  }

  static StreamUnstructuredSessionEventsRequest sessionRequest(String sessionId, int startIndex) {
    return StreamUnstructuredSessionEventsRequest.newBuilder()
        .setSessionId(sessionId)
        .setStartIndex(startIndex)
        .build();
  }

  static String streamSessionOperation(String sessionId, int startIndex) {
    return "streaming the recording of session "
        + sessionId
        + " from index "
        + startIndex
        + " (StreamUnstructuredSessionEvents)";
  }

  @Override
  public void upsertLock(LockV2 lock) {
    LockV2.Builder complete = lock.toBuilder();
    // Auth fills these in too; setting them keeps the request valid on any version.
    if (complete.getKind().isEmpty()) {
      complete.setKind("lock");
    }
    if (complete.getVersion().isEmpty()) {
      complete.setVersion("v2");
    }
    unary(
        AuthServiceGrpc.getUpsertLockMethod(),
        complete.build(),
        "creating the lock " + lock.getMetadata().getName() + " (UpsertLock)",
        StatusTranslator.LOCK_RULES);
  }

  /** Cancels open streams, then closes the channel and stops refreshing the credentials. */
  @Override
  public void close() {
    credentials.close();
    for (CallStream<?, ?> stream : List.copyOf(openStreams)) {
      stream.close();
    }
    ManagedChannel channel = connection.channel();
    channel.shutdown();
    try {
      if (!channel.awaitTermination(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
    connection.release();
  }

  // unary and stream are package-private for the tests of this package: they make calls (Ping, the
  // decoded streams) the export itself does not, through the same channel and error translation.
  <Q, R> R unary(MethodDescriptor<Q, R> method, Q request, String operation, String neededRules) {
    ManagedChannel channel = connection.wake();
    try {
      return ClientCalls.blockingUnaryCall(channel, method, deadline(), request);
    } catch (StatusRuntimeException e) {
      throw translator.translate(operation, e.getStatus(), neededRules);
    }
  }

  <Q, R, T> EventStream<T> stream(
      MethodDescriptor<Q, R> method,
      Q request,
      Function<R, T> mapper,
      String operation,
      CallOptions options) {
    ManagedChannel channel = connection.wake();
    CallStream<R, T> stream =
        CallStream.start(
            channel, method, options, request, mapper, operation, translator, openStreams::remove);
    openStreams.add(stream);
    if (stream.isFinished()) {
      // It ended before it was registered (e.g. the channel is shut down).
      openStreams.remove(stream);
    }
    return stream;
  }

  private CallOptions deadline() {
    return CallOptions.DEFAULT.withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }

  private static Timestamp timestamp(LocalDate date) {
    return timestamp(date.atStartOfDay(ZoneOffset.UTC).toInstant());
  }
}
