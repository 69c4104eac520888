package eventhandler.teleport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import eventhandler.event.EventJson;
import eventhandler.teleport.proto.auditlog.AuditLogServiceGrpc;
import eventhandler.teleport.proto.auditlog.EventExportChunk;
import eventhandler.teleport.proto.auditlog.EventUnstructured;
import eventhandler.teleport.proto.auditlog.EventsUnstructured;
import eventhandler.teleport.proto.auditlog.ExportEventUnstructured;
import eventhandler.teleport.proto.auditlog.ExportUnstructuredEventsRequest;
import eventhandler.teleport.proto.auditlog.GetEventExportChunksRequest;
import eventhandler.teleport.proto.auditlog.GetUnstructuredEventsRequest;
import eventhandler.teleport.proto.auditlog.StreamUnstructuredSessionEventsRequest;
import eventhandler.teleport.proto.types.LockSpecV2;
import eventhandler.teleport.proto.types.LockTarget;
import eventhandler.teleport.proto.types.LockV2;
import eventhandler.teleport.proto.types.Metadata;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The typed client against a real mTLS gRPC server. */
class GrpcTeleportClientTest {
  private static final TestPki PKI = new TestPki("example.teleport.sh");
  private static final int MANY = CallStream.PREFETCH * 40 + 7;

  @TempDir Path dir;

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final List<Object> requests = new CopyOnWriteArrayList<>();
  private final AtomicReference<ServerCallStreamObserver<?>> heldStream = new AtomicReference<>();
  private TestAuthServer server;
  private GrpcTeleportClient client;

  /** Audit log behaviour for the tests; requests are recorded. */
  private final class AuditLog extends AuditLogServiceGrpc.AuditLogServiceImplBase {
    @Override
    public void getUnstructuredEvents(
        GetUnstructuredEventsRequest request, StreamObserver<EventsUnstructured> response) {
      requests.add(request);
      if (request.getLimit() > 10_000) {
        response.onError(
            Status.INVALID_ARGUMENT.withDescription("limit must be <= 10000").asRuntimeException());
        return;
      }
      if (request.getLimit() == 403) {
        response.onError(
            Status.PERMISSION_DENIED
                .withDescription("access denied to perform action \"list\" on \"event\"")
                .asRuntimeException());
        return;
      }
      if (request.getLimit() == 999) {
        // One large event, to exceed a small client message limit.
        response.onNext(
            EventsUnstructured.newBuilder().addItems(event("big", 1, "x".repeat(4096))).build());
        response.onCompleted();
        return;
      }
      response.onNext(
          EventsUnstructured.newBuilder()
              .addItems(event("e1", 1, "a"))
              .addItems(event("e2", 2, "b"))
              .setLastKey("page-2")
              .build());
      response.onCompleted();
    }

    @Override
    public void getEventExportChunks(
        GetEventExportChunksRequest request, StreamObserver<EventExportChunk> response) {
      requests.add(request);
      for (String chunk : List.of("c1", "c2", "c3")) {
        response.onNext(EventExportChunk.newBuilder().setChunk(chunk).build());
      }
      response.onCompleted();
    }

    @Override
    public void exportUnstructuredEvents(
        ExportUnstructuredEventsRequest request, StreamObserver<ExportEventUnstructured> response) {
      requests.add(request);
      int start = request.getCursor().isEmpty() ? 0 : Integer.parseInt(request.getCursor());
      switch (request.getChunk()) {
        case "endless" -> {
          // Sends a few items, then keeps the stream open until the client cancels it.
          for (int i = 0; i < 3; i++) {
            response.onNext(exported(i));
          }
          heldStream.set((ServerCallStreamObserver<?>) response);
        }
        case "many" -> {
          // Many times the messages the client asks for ahead, so it asks again and again.
          for (int i = start; i < MANY; i++) {
            response.onNext(exported(i));
          }
          response.onCompleted();
        }
        case "cut" -> {
          response.onNext(exported(start));
          response.onNext(exported(start + 1));
          response.onError(
              Status.UNAVAILABLE.withDescription("connection reset").asRuntimeException());
        }
        default -> {
          for (int i = start; i < 5; i++) {
            response.onNext(exported(i));
          }
          response.onCompleted();
        }
      }
    }

    @Override
    public void streamUnstructuredSessionEvents(
        StreamUnstructuredSessionEventsRequest request,
        StreamObserver<EventUnstructured> response) {
      requests.add(request);
      if (request.getSessionId().equals("missing")) {
        response.onError(
            Status.NOT_FOUND
                .withDescription("a recording for session missing was not found")
                .asRuntimeException());
        return;
      }
      for (int i = request.getStartIndex(); i < 4; i++) {
        response.onNext(event("s" + i, i, "print"));
      }
      response.onCompleted();
    }
  }

  @BeforeEach
  void start() throws Exception {
    server = new TestAuthServer(PKI, new AuditLog());
    Path identity =
        PKI.writeIdentity(
            dir.resolve("identity"),
            PKI.client(TestPki.KeyFormat.EC_SEC1),
            TestPki.KeyFormat.EC_SEC1);
    client = connect(identity, ConnectOptions.DEFAULT_MAX_INBOUND_MESSAGE_SIZE);
  }

  private GrpcTeleportClient connect(Path identity, int maxMessageSize) {
    ConnectOptions settings =
        ConnectOptions.of(server.address(), CredentialSource.identityFile(identity))
            .withModes(EnumSet.of(ConnectionMode.DIRECT))
            .withMaxInboundMessageSize(maxMessageSize, "--teleport-max-message-size")
            .withDialTimeout(Duration.ofSeconds(10));
    return new TeleportConnector(Clock.systemUTC(), scheduler, new SimpleMeterRegistry())
        .connect(settings);
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    server.close();
    scheduler.shutdownNow();
  }

  @Test
  void searchSendsWhatTheGoClientSendsAndReturnsThePage() throws Exception {
    Instant from = Instant.parse("2025-01-01T00:00:00Z");
    Instant to = Instant.parse("2025-01-02T00:00:00.5Z");

    EventPage page = client.searchEvents(from, to, List.of("user.login"), 20, "page-1");

    assertThat(page.events()).extracting(TeleportEvent::id).containsExactly("e1", "e2");
    // Read with the Struct left encoded, the JSON is the one the decoded Struct prints.
    assertThat(new String(page.events().get(1).json(), StandardCharsets.UTF_8))
        .isEqualTo(
            new String(
                EventJson.toJson(event("e2", 2, "b").getUnstructured()), StandardCharsets.UTF_8));
    assertThat(page.nextKey()).isEqualTo("page-2");
    GetUnstructuredEventsRequest sent = (GetUnstructuredEventsRequest) requests.get(0);
    assertThat(sent.getNamespace()).isEqualTo("default");
    assertThat(sent.getStartDate())
        .isEqualTo(Timestamp.newBuilder().setSeconds(1735689600).build());
    assertThat(sent.getEndDate())
        .isEqualTo(Timestamp.newBuilder().setSeconds(1735776000).setNanos(500_000_000).build());
    assertThat(sent.getEventTypesList()).containsExactly("user.login");
    assertThat(sent.getLimit()).isEqualTo(20);
    assertThat(sent.getStartKey()).isEqualTo("page-1");
    assertThat(sent.getOrderValue()).isZero();
  }

  @Test
  void everyCallCarriesTheVersionHeader() {
    client.searchEvents(Instant.EPOCH, Instant.now(), List.of(), 5, "");
    client.listExportChunks(LocalDate.of(2025, 1, 1));

    assertThat(server.versionHeaders)
        .hasSizeGreaterThanOrEqualTo(3)
        .containsOnly(VersionHeader.FLOOR);
  }

  @Test
  void listsExportChunksForTheUtcDate() {
    assertThat(client.listExportChunks(LocalDate.of(2025, 1, 2))).containsExactly("c1", "c2", "c3");
    GetEventExportChunksRequest sent = (GetEventExportChunksRequest) requests.get(0);
    assertThat(sent.getDate().getSeconds()).isEqualTo(1735776000L);
    // The server counts the call closed on its own thread, just after the client has the answer.
    await().atMost(Duration.ofSeconds(5)).until(() -> server.openCalls.get() == 0);
  }

  @Test
  void exportsAChunkAndResumesFromACursor() {
    assertThat(cursorsOfChunk("c1")).containsExactly("0", "1", "2", "3", "4");

    List<String> resumed = new ArrayList<>();
    try (EventStream<ChunkItem> stream =
        TeleportCalls.exportChunk(client, LocalDate.of(2025, 1, 2), "c1", "2")) {
      stream.forEachRemaining(item -> resumed.add(item.event().getId()));
    }
    assertThat(resumed).containsExactly("x2", "x3", "x4");
    assertThat(((ExportUnstructuredEventsRequest) requests.get(1)).getCursor()).isEqualTo("2");
  }

  @Test
  void exportsAChunkWithBodiesLeftEncodedThatPrintAsTheDecodedOnes() throws Exception {
    List<String> decoded = new ArrayList<>();
    try (EventStream<ChunkItem> stream =
        TeleportCalls.exportChunk(client, LocalDate.of(2025, 1, 2), "c1", "1")) {
      while (stream.hasNext()) {
        ChunkItem item = stream.next();
        decoded.add(
            item.cursor()
                + " "
                + item.event().getId()
                + " "
                + new String(eventhandler.event.EventJson.toJson(item.event().getUnstructured())));
      }
    }
    List<String> encoded = new ArrayList<>();
    try (EventStream<ExportedEvent> stream =
        client.exportChunkEvents(LocalDate.of(2025, 1, 2), "c1", "1")) {
      while (stream.hasNext()) {
        ExportedEvent item = stream.next();
        encoded.add(
            item.cursor() + " " + item.event().id() + " " + new String(item.event().json()));
        assertThat(item.event().body().getFieldsMap()).containsKey("uid");
      }
    }
    assertThat(encoded).hasSize(4).isEqualTo(decoded);
    assertThat(((ExportUnstructuredEventsRequest) requests.get(1)).getCursor()).isEqualTo("1");
  }

  @Test
  void streamsASessionWithBodiesLeftEncoded() throws Exception {
    List<String> events = new ArrayList<>();
    try (EventStream<TeleportEvent> stream = client.streamSessionEvents("sid-1", 2)) {
      while (stream.hasNext()) {
        TeleportEvent event = stream.next();
        events.add(event.index() + " " + event.type() + " " + new String(event.json()));
      }
    }
    assertThat(events)
        .containsExactly(
            "2 session.print {\"data\":\"print\",\"uid\":\"s2\"}",
            "3 session.print {\"data\":\"print\",\"uid\":\"s3\"}");
  }

  @Test
  void streamsASessionFromAnIndex() {
    List<Long> indexes = new ArrayList<>();
    try (EventStream<EventUnstructured> stream = TeleportCalls.streamSession(client, "sid-1", 2)) {
      stream.forEachRemaining(event -> indexes.add(event.getIndex()));
    }
    assertThat(indexes).containsExactly(2L, 3L);
    StreamUnstructuredSessionEventsRequest sent =
        (StreamUnstructuredSessionEventsRequest) requests.get(0);
    assertThat(sent.getSessionId()).isEqualTo("sid-1");
    assertThat(sent.getStartIndex()).isEqualTo(2);
  }

  @Test
  void aMissingRecordingIsNotFound() {
    assertThatThrownBy(
            () -> {
              try (EventStream<EventUnstructured> stream =
                  TeleportCalls.streamSession(client, "missing", 0)) {
                stream.hasNext();
              }
            })
        .isInstanceOfSatisfying(
            TeleportException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(TeleportException.Kind.NOT_FOUND);
              assertThat(e.isRetryable()).isFalse();
              assertThat(e.getMessage()).contains("session missing", "not found");
            });
  }

  @Test
  void closingAStreamEarlyCancelsItOnTheServer() {
    try (EventStream<ChunkItem> stream =
        TeleportCalls.exportChunk(client, LocalDate.of(2025, 1, 2), "endless", "")) {
      assertThat(stream.next().cursor()).isEqualTo("0");
      await().atMost(Duration.ofSeconds(5)).until(() -> heldStream.get() != null);
      assertThat(server.openCalls).hasValue(1);
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              assertThat(server.openCalls).hasValue(0);
              assertThat(heldStream.get().isCancelled()).isTrue();
            });
    assertThat(client.openStreamCount()).isZero();
  }

  @Test
  void aReaderThatThrowsStillEndsTheStream() {
    assertThatThrownBy(
            () -> {
              try (EventStream<ChunkItem> stream =
                  TeleportCalls.exportChunk(client, LocalDate.of(2025, 1, 2), "endless", "")) {
                stream.next();
                throw new IllegalStateException("Fluentd is down");
              }
            })
        .hasMessage("Fluentd is down");

    await().atMost(Duration.ofSeconds(5)).until(() -> server.openCalls.get() == 0);
    assertThat(server.cancelledCalls).hasValue(1);
    assertThat(client.openStreamCount()).isZero();
  }

  @Test
  void aStreamCutByTheServerDeliversWhatCameThenFailsRetryably() {
    List<String> seen = new ArrayList<>();
    TeleportException error;
    try (EventStream<ChunkItem> stream =
        TeleportCalls.exportChunk(client, LocalDate.of(2025, 1, 2), "cut", "")) {
      error =
          org.junit.jupiter.api.Assertions.assertThrows(
              TeleportException.class, () -> stream.forEachRemaining(i -> seen.add(i.cursor())));
    }
    assertThat(seen).containsExactly("0", "1");
    assertThat(error.kind()).isEqualTo(TeleportException.Kind.CONNECTION);
    assertThat(error.isRetryable()).isTrue();
    assertThat(error.getMessage()).contains("exporting chunk cut", "connection reset");
    await().atMost(Duration.ofSeconds(5)).until(() -> server.openCalls.get() == 0);
    assertThat(client.openStreamCount()).isZero();
  }

  @Test
  void aLongChunkArrivesWholeAndInOrderThroughTheGroupedHandOver() {
    assertThat(cursorsOfChunk("many"))
        .isEqualTo(IntStream.range(0, MANY).mapToObj(Integer::toString).toList());
  }

  /** The cursors of a whole chunk read from its start, in the order they arrived. */
  private List<String> cursorsOfChunk(String chunk) {
    List<String> cursors = new ArrayList<>();
    try (EventStream<ChunkItem> stream =
        TeleportCalls.exportChunk(client, LocalDate.of(2025, 1, 2), chunk, "")) {
      stream.forEachRemaining(item -> cursors.add(item.cursor()));
    }
    return cursors;
  }

  @Test
  void messagesOfAStreamThatStallsReachTheReaderWithoutWaitingForAGroup() {
    // Three messages, fewer than a group, then nothing more: the reader still gets them soon.
    try (EventStream<ChunkItem> stream =
        TeleportCalls.exportChunk(client, LocalDate.of(2025, 1, 2), "endless", "")) {
      assertTimeoutPreemptively(
          Duration.ofSeconds(2),
          () -> {
            for (int i = 0; i < 3; i++) {
              assertThat(stream.next().cursor()).isEqualTo(Integer.toString(i));
            }
          });
    }
  }

  @Test
  void closingTheClientCancelsAStreamItsReaderWaitsOn() throws Exception {
    EventStream<ChunkItem> stream =
        TeleportCalls.exportChunk(client, LocalDate.of(2025, 1, 2), "endless", "");
    for (int i = 0; i < 3; i++) {
      stream.next();
    }
    CompletableFuture<Throwable> reader =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                stream.hasNext();
                return null;
              } catch (Throwable t) {
                return t;
              }
            });
    await().atMost(Duration.ofSeconds(5)).until(() -> heldStream.get() != null);

    client.close();

    Throwable failure = reader.get(5, TimeUnit.SECONDS);
    assertThat(failure).isInstanceOf(TeleportException.class);
    assertThat(((TeleportException) failure).kind()).isEqualTo(TeleportException.Kind.CANCELLED);
    await().atMost(Duration.ofSeconds(5)).until(() -> server.openCalls.get() == 0);
  }

  @Test
  void anInterruptedReaderCancelsTheStream() throws Exception {
    EventStream<ChunkItem> stream =
        TeleportCalls.exportChunk(client, LocalDate.of(2025, 1, 2), "endless", "");
    for (int i = 0; i < 3; i++) {
      stream.next();
    }
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicReference<Boolean> interrupted = new AtomicReference<>();
    Thread reader =
        new Thread(
            () -> {
              try {
                stream.hasNext();
              } catch (Throwable t) {
                failure.set(t);
                interrupted.set(Thread.currentThread().isInterrupted());
              }
            });
    reader.start();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                reader.getState() == Thread.State.WAITING
                    || reader.getState() == Thread.State.TIMED_WAITING);
    reader.interrupt();
    reader.join(5_000);

    assertThat(failure.get()).isInstanceOf(TeleportException.class);
    assertThat(((TeleportException) failure.get()).kind())
        .isEqualTo(TeleportException.Kind.CANCELLED);
    assertThat(interrupted.get()).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> server.openCalls.get() == 0);
  }

  @Test
  void unimplementedExportIsTheFallbackSignal() throws Exception {
    server.close();
    server = new TestAuthServer(PKI, new AuditLogServiceGrpc.AuditLogServiceImplBase() {});
    client.close();
    client =
        connect(
            PKI.writeIdentity(
                dir.resolve("identity2"),
                PKI.client(TestPki.KeyFormat.RSA_PKCS1),
                TestPki.KeyFormat.RSA_PKCS1),
            ConnectOptions.DEFAULT_MAX_INBOUND_MESSAGE_SIZE);

    assertThatThrownBy(() -> client.listExportChunks(LocalDate.of(2025, 1, 1)))
        .isInstanceOfSatisfying(
            TeleportException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(TeleportException.Kind.NOT_IMPLEMENTED);
              assertThat(e.isRetryable()).isFalse();
            });
  }

  @Test
  void permissionDeniedNamesTheRulesTheRoleNeeds() {
    assertThatThrownBy(() -> client.searchEvents(Instant.EPOCH, Instant.now(), List.of(), 403, ""))
        .isInstanceOfSatisfying(
            TeleportException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(TeleportException.Kind.ACCESS_DENIED);
              assertThat(e.getMessage())
                  .contains("access denied to perform action")
                  .contains("'event' and 'session'")
                  .contains("'list' and 'read'");
            });

    server.lockFailure = Status.PERMISSION_DENIED.withDescription("access denied to lock");
    assertThatThrownBy(() -> client.upsertLock(lock()))
        .isInstanceOfSatisfying(
            TeleportException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(TeleportException.Kind.ACCESS_DENIED);
              assertThat(e.getMessage())
                  .contains("'lock'", "'create' and 'update'", "--lock-enabled");
            });
  }

  @Test
  void invalidArgumentIsBadParameter() {
    assertThatThrownBy(
            () -> client.searchEvents(Instant.EPOCH, Instant.now(), List.of(), 20_000, ""))
        .isInstanceOfSatisfying(
            TeleportException.class,
            e -> assertThat(e.kind()).isEqualTo(TeleportException.Kind.BAD_PARAMETER));
  }

  @Test
  void aMessageOverTheSizeLimitNamesTheSetting() throws Exception {
    client.close();
    client =
        connect(
            PKI.writeIdentity(
                dir.resolve("identity2"),
                PKI.client(TestPki.KeyFormat.EC_PKCS8),
                TestPki.KeyFormat.EC_PKCS8),
            2048);

    assertThatThrownBy(() -> client.searchEvents(Instant.EPOCH, Instant.now(), List.of(), 999, ""))
        .isInstanceOfSatisfying(
            TeleportException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(TeleportException.Kind.LIMIT_EXCEEDED);
              assertThat(e.isRetryable()).isFalse();
              assertThat(e.getMessage()).contains("2048 bytes", "--teleport-max-message-size");
            });
  }

  @Test
  void upsertsLocksWithKindAndVersion() {
    client.upsertLock(lock());

    assertThat(server.locks).hasSize(1);
    LockV2 sent = server.locks.get(0);
    assertThat(sent.getKind()).isEqualTo("lock");
    assertThat(sent.getVersion()).isEqualTo("v2");
    assertThat(sent.getMetadata().getName()).isEqualTo("event-handler-auto-lock-bob-");
    assertThat(sent.getSpec().getTarget().getUser()).isEqualTo("bob");
  }

  @Test
  void pingReportsTheCluster() {
    assertThat(TeleportCalls.ping(client).getClusterName()).isEqualTo("example.teleport.sh");
    assertThat(client.cluster().getServerVersion()).isEqualTo("16.4.12");
    assertThat(client.connectionMode()).isEqualTo(ConnectionMode.DIRECT);
  }

  private static LockV2 lock() {
    return LockV2.newBuilder()
        .setMetadata(Metadata.newBuilder().setName("event-handler-auto-lock-bob-"))
        .setSpec(
            LockSpecV2.newBuilder()
                .setTarget(LockTarget.newBuilder().setUser("bob"))
                .setMessage("User is locked due to too many failed login attempts"))
        .build();
  }

  private static EventUnstructured event(String id, long index, String payload) {
    return EventUnstructured.newBuilder()
        .setId(id)
        .setType("session.print")
        .setIndex(index)
        .setUnstructured(
            Struct.newBuilder()
                .putFields("uid", Value.newBuilder().setStringValue(id).build())
                .putFields("data", Value.newBuilder().setStringValue(payload).build()))
        .build();
  }

  private static ExportEventUnstructured exported(int i) {
    return ExportEventUnstructured.newBuilder()
        .setEvent(event("x" + i, i, "e"))
        .setCursor(Integer.toString(i))
        .build();
  }
}
