package eventhandler.sim;

import static eventhandler.sim.AuditLogApiTest.timestamp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import eventhandler.sim.data.Faults;
import eventhandler.sim.data.Rpc;
import eventhandler.teleport.proto.auditlog.EventUnstructured;
import eventhandler.teleport.proto.auditlog.EventsUnstructured;
import eventhandler.teleport.proto.auditlog.ExportEventUnstructured;
import eventhandler.teleport.proto.auditlog.ExportUnstructuredEventsRequest;
import eventhandler.teleport.proto.auditlog.GetUnstructuredEventsRequest;
import eventhandler.teleport.proto.auditlog.StreamUnstructuredSessionEventsRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Faults switched on while the simulated cluster runs, and stream hygiene. */
class FaultsTest {
  @TempDir static Path dir;
  static SimulatedCluster cluster;
  static TestClient client;

  @BeforeAll
  static void start() throws Exception {
    cluster =
        SimulatedCluster.builder()
            .seed(3)
            .events(3_000)
            .sessionShare(0.05)
            .recordingLength(50, 2_000)
            .chunkSize(500)
            .build()
            .start();
    client = TestClient.direct(cluster, cluster.writeIdentity(dir.resolve("identity")).file());
  }

  @AfterEach
  void clearFaults() {
    cluster.faults().clear();
    cluster.bulkExport(true);
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    cluster.close();
  }

  @Test
  void nextCallsFailWithUnavailableThenRecover() {
    cluster.faults().failNextCalls(Rpc.GET_UNSTRUCTURED_EVENTS, 2);
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> client.auditLog.getUnstructuredEvents(allEvents(10)))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }
    assertThat(client.auditLog.getUnstructuredEvents(allEvents(10)).getItemsCount()).isEqualTo(10);
  }

  @Test
  void streamCutWithUnavailableAfterSomeMessages() {
    // A middle day is whole; the first one starts seven days before now, so near midnight it can
    // hold fewer events than the cut comes after.
    LocalDate day = dayOf(cluster.auditEvent(1_500));
    String chunk = client.chunkNames(day).get(0);
    assertThat(chunkSize(day, chunk)).as("events in the chunk").isGreaterThan(10);
    cluster.faults().cutNextStream(Rpc.EXPORT_UNSTRUCTURED_EVENTS, 5, Faults.StreamCut.UNAVAILABLE);
    List<ExportEventUnstructured> received = new ArrayList<>();
    Iterator<ExportEventUnstructured> stream =
        client.auditLog.exportUnstructuredEvents(export(day, chunk, ""));
    assertThatThrownBy(() -> stream.forEachRemaining(received::add))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    assertThat(received).hasSize(5);
    await().atMost(Duration.ofSeconds(5)).until(() -> cluster.openStreams() == 0);
    // The cursor of the last item received resumes exactly after it.
    List<ExportEventUnstructured> rest = new ArrayList<>();
    client
        .auditLog
        .exportUnstructuredEvents(export(day, chunk, received.get(4).getCursor()))
        .forEachRemaining(rest::add);
    assertThat(rest.get(0).getEvent().getId()).isNotEqualTo(received.get(4).getEvent().getId());
    assertThat(received.size() + rest.size()).isEqualTo(chunkSize(day, chunk));
  }

  @Test
  void streamCutByClosingTheConnection() {
    String sid = cluster.sessionIds().get(0);
    cluster.faults().cutNextStream(Rpc.STREAM_SESSION_EVENTS, 3, Faults.StreamCut.CLOSE_CONNECTION);
    List<EventUnstructured> received = new ArrayList<>();
    assertThatThrownBy(() -> sessionStream(sid, 0).forEachRemaining(received::add))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    assertThat(received).hasSizeLessThanOrEqualTo(3);
    await().atMost(Duration.ofSeconds(5)).until(() -> cluster.openStreams() == 0);
    // The client reconnects for the next call and can resume.
    List<EventUnstructured> resumed = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              resumed.clear();
              sessionStream(sid, 2).forEachRemaining(resumed::add);
            });
    assertThat(resumed.get(0).getIndex()).isEqualTo(2);
  }

  @Test
  void openStreamsCountsAStreamUntilTheClientCancelsIt() throws Exception {
    // A recording far larger than the HTTP/2 window, so the server cannot finish it on its own.
    TestClient smallWindow =
        TestClient.directWithSmallWindow(cluster, cluster.writeIdentity(dir.resolve("id2")).file());
    String sid =
        cluster.sessionIds().stream()
            .limit(20)
            .max(Comparator.comparingInt(id -> cluster.expectedSessionEvents(id).size()))
            .orElseThrow();
    assertThat(cluster.expectedSessionEvents(sid)).hasSizeGreaterThan(1_000);
    AtomicReference<ClientCallStreamObserver<StreamUnstructuredSessionEventsRequest>> call =
        new AtomicReference<>();
    CompletableFuture<EventUnstructured> first = new CompletableFuture<>();
    CompletableFuture<Throwable> ended = new CompletableFuture<>();
    smallWindow.auditLogAsync.streamUnstructuredSessionEvents(
        StreamUnstructuredSessionEventsRequest.newBuilder().setSessionId(sid).build(),
        new ClientResponseObserver<StreamUnstructuredSessionEventsRequest, EventUnstructured>() {
          @Override
          public void beforeStart(
              ClientCallStreamObserver<StreamUnstructuredSessionEventsRequest> requestStream) {
            call.set(requestStream);
            requestStream.disableAutoRequestWithInitial(1);
          }

          @Override
          public void onNext(EventUnstructured value) {
            first.complete(value);
          }

          @Override
          public void onError(Throwable t) {
            ended.complete(t);
          }

          @Override
          public void onCompleted() {
            ended.complete(null);
          }
        });
    assertThat(first.get(5, TimeUnit.SECONDS).getIndex()).isZero();
    assertThat(cluster.openStreams()).isEqualTo(1);
    call.get().cancel("test is done", null);
    assertThat(ended.get(5, TimeUnit.SECONDS)).isInstanceOf(StatusRuntimeException.class);
    await().atMost(Duration.ofSeconds(5)).until(() -> cluster.openStreams() == 0);
    smallWindow.close();
  }

  @Test
  void completedStreamsAreNotCountedAsOpen() {
    String sid = cluster.sessionIds().get(2);
    List<EventUnstructured> events = new ArrayList<>();
    sessionStream(sid, 0).forEachRemaining(events::add);
    assertThat(events).hasSizeBetween(50, 2_000);
    await().atMost(Duration.ofSeconds(5)).until(() -> cluster.openStreams() == 0);
  }

  @Test
  void slowPagesAreAnsweredLate() {
    cluster.faults().delayCalls(Rpc.GET_UNSTRUCTURED_EVENTS, Duration.ofMillis(400));
    long started = System.nanoTime();
    assertThat(client.auditLog.getUnstructuredEvents(allEvents(5)).getItemsCount()).isEqualTo(5);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofMillis(390));
    assertThatThrownBy(
            () ->
                client
                    .auditLog
                    .withDeadlineAfter(100, TimeUnit.MILLISECONDS)
                    .getUnstructuredEvents(allEvents(5)))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
  }

  @Test
  void missingRecordingsAnswerNotFound() {
    List<String> sids = cluster.sessionIds();
    cluster.faults().missingRecordings(sids.get(0));
    assertThatThrownBy(() -> sessionStream(sids.get(0), 0).hasNext())
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    assertThat(sessionStream(sids.get(1), 0).hasNext()).isTrue();
    assertThat(cluster.expectedSessionEvents(sids.get(0))).isNotEmpty();

    cluster.faults().missingRecordingShare(0.5);
    long missing =
        sids.stream()
            .filter(
                sid -> {
                  try {
                    return !sessionStream(sid, 0).hasNext();
                  } catch (StatusRuntimeException e) {
                    return e.getStatus().getCode() == Status.Code.NOT_FOUND;
                  }
                })
            .count();
    assertThat(missing).isBetween(sids.size() / 4L, sids.size() * 3L / 4);
  }

  @Test
  void aLateRecordingIsNotFoundForItsFirstStreams() {
    String sid = cluster.sessionIds().get(2);
    cluster.faults().recordingUploadedLate(sid, 2);
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> sessionStream(sid, 0).hasNext())
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }
    List<EventUnstructured> events = new ArrayList<>();
    sessionStream(sid, 0).forEachRemaining(events::add);
    assertThat(events).containsExactlyElementsOf(cluster.expectedSessionEvents(sid));
  }

  @Test
  void aCorruptRecordingFailsInTheMiddleEveryTime() {
    String sid = cluster.sessionIds().get(3);
    List<EventUnstructured> all = cluster.expectedSessionEvents(sid);
    int damaged = all.size() / 2;
    cluster.faults().corruptRecordings(sid);
    for (int from : new int[] {0, damaged - 1, damaged}) {
      List<EventUnstructured> events = new ArrayList<>();
      Iterator<EventUnstructured> stream = sessionStream(sid, from);
      assertThatThrownBy(() -> stream.forEachRemaining(events::add))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL));
      assertThat(events).containsExactlyElementsOf(all.subList(from, damaged));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> cluster.openStreams() == 0);
  }

  @Test
  void oversizedEventArrivesWhole() {
    int bytes = 33 * 1024 * 1024;
    cluster.faults().oversizedEvent(3, bytes);
    EventsUnstructured page = client.auditLog.getUnstructuredEvents(allEvents(5));
    EventUnstructured big = page.getItems(3);
    assertThat(big.getUnstructured().getFieldsOrThrow("oversized_payload").getStringValue())
        .hasSize(bytes);
    assertThat(big).isEqualTo(cluster.auditEvent(3));
    assertThat(page.getItems(2).getUnstructured().containsFields("oversized_payload")).isFalse();
  }

  @Test
  void liveEventsAppearInSearchAndInTodaysChunks() {
    long before = cluster.auditEventCount();
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    List<String> chunksBefore = client.chunkNames(today);
    long first = cluster.appendLiveEvents(40);
    assertThat(first).isEqualTo(before);
    assertThat(cluster.auditEventCount()).isEqualTo(before + 40);

    Instant now = Instant.now();
    EventsUnstructured page =
        client.auditLog.getUnstructuredEvents(
            GetUnstructuredEventsRequest.newBuilder()
                .setStartDate(timestamp(now.minus(Duration.ofMinutes(1))))
                .setEndDate(timestamp(now.plus(Duration.ofMinutes(1))))
                .setLimit(100)
                .build());
    assertThat(page.getItemsList())
        .containsExactlyElementsOf(cluster.expectedAuditEvents().skip(before).toList());

    List<String> chunksAfter = client.chunkNames(today);
    assertThat(chunksAfter).containsAll(chunksBefore).hasSize(chunksBefore.size() + 1);
    String added =
        chunksAfter.stream().filter(name -> !chunksBefore.contains(name)).findFirst().orElseThrow();
    List<String> ids = new ArrayList<>();
    client
        .auditLog
        .exportUnstructuredEvents(export(today, added, ""))
        .forEachRemaining(item -> ids.add(item.getEvent().getId()));
    assertThat(ids)
        .containsExactlyElementsOf(
            cluster.expectedAuditEvents().skip(before).map(EventUnstructured::getId).toList());
  }

  @Test
  void bulkExportCanBeSwitchedOff() {
    cluster.bulkExport(false);
    LocalDate day = LocalDate.now(ZoneOffset.UTC).plusDays(2);
    assertThatThrownBy(() -> client.chunkNames(day))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
    assertThatThrownBy(
            () -> client.auditLog.exportUnstructuredEvents(export(day, "x", "")).hasNext())
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
    cluster.bulkExport(true);
    assertThat(client.chunkNames(day)).isEmpty();
  }

  // --- helpers ---

  static GetUnstructuredEventsRequest allEvents(int limit) {
    return GetUnstructuredEventsRequest.newBuilder()
        .setStartDate(timestamp(cluster.from()))
        .setEndDate(timestamp(cluster.to()))
        .setLimit(limit)
        .build();
  }

  static Iterator<EventUnstructured> sessionStream(String sid, int from) {
    return client.auditLog.streamUnstructuredSessionEvents(
        StreamUnstructuredSessionEventsRequest.newBuilder()
            .setSessionId(sid)
            .setStartIndex(from)
            .build());
  }

  static LocalDate dayOf(EventUnstructured event) {
    return LocalDate.ofInstant(AuditLogApiTest.instant(event.getTime()), ZoneOffset.UTC);
  }

  static ExportUnstructuredEventsRequest export(LocalDate day, String chunk, String cursor) {
    return AuditLogApiTest.export(day, chunk, cursor);
  }

  static int chunkSize(LocalDate day, String chunk) {
    int[] count = {0};
    client
        .auditLog
        .exportUnstructuredEvents(export(day, chunk, ""))
        .forEachRemaining(e -> count[0]++);
    return count[0];
  }
}
