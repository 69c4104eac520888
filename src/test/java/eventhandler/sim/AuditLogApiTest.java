package eventhandler.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import eventhandler.teleport.proto.auditlog.EventUnstructured;
import eventhandler.teleport.proto.auditlog.EventsUnstructured;
import eventhandler.teleport.proto.auditlog.ExportEventUnstructured;
import eventhandler.teleport.proto.auditlog.ExportUnstructuredEventsRequest;
import eventhandler.teleport.proto.auditlog.GetUnstructuredEventsRequest;
import eventhandler.teleport.proto.auditlog.StreamUnstructuredSessionEventsRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit log API of the simulated cluster, over real mutual TLS on loopback. */
class AuditLogApiTest {
  static final Instant FROM = Instant.parse("2024-05-01T00:00:00Z");
  static final Instant TO = Instant.parse("2024-05-04T00:00:00Z");

  @TempDir static Path dir;
  static SimulatedCluster cluster;
  static TestClient client;

  @BeforeAll
  static void start() throws Exception {
    cluster = history(42).build().start();
    client = TestClient.direct(cluster, cluster.writeIdentity(dir.resolve("identity")).file());
  }

  /** The simulated history these tests read (the started cluster has seed 42). */
  static SimulatedClusterBuilder history(long seed) {
    return SimulatedCluster.builder()
        .seed(seed)
        .events(6_000)
        .timeRange(FROM, TO)
        .sessionShare(0.03)
        .failedLoginShare(0.05)
        .recordingLength(20, 60)
        .chunkSize(700);
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    cluster.close();
  }

  @Test
  void searchPagingAcrossWindowsAndPagesReturnsEveryEventOnceInOrder() {
    List<String> ids = new ArrayList<>();
    for (Instant window = FROM; window.isBefore(TO); window = window.plus(Duration.ofDays(1))) {
      Instant end = window.plus(Duration.ofDays(1));
      String cursor = "";
      do {
        EventsUnstructured page =
            client.auditLog.getUnstructuredEvents(search(window, end, 333, cursor));
        assertThat(page.getItemsCount()).isLessThanOrEqualTo(333);
        for (EventUnstructured event : page.getItemsList()) {
          Instant time = instant(event.getTime());
          assertThat(time).isAfterOrEqualTo(window).isBefore(end);
          ids.add(event.getId());
        }
        cursor = page.getLastKey();
      } while (!cursor.isEmpty());
    }
    assertThat(ids)
        .containsExactlyElementsOf(
            cluster.expectedAuditEvents().map(EventUnstructured::getId).toList());
  }

  @Test
  void searchPagesCarryTheExpectedEventsInAscendingTime() {
    EventsUnstructured page = client.auditLog.getUnstructuredEvents(search(FROM, TO, 100, ""));
    assertThat(page.getItemsList())
        .containsExactlyElementsOf(cluster.expectedAuditEvents().limit(100).toList());
    for (int i = 1; i < page.getItemsCount(); i++) {
      assertThat(instant(page.getItems(i).getTime()))
          .isAfterOrEqualTo(instant(page.getItems(i - 1).getTime()));
    }
  }

  @Test
  void searchAppliesTeleportsLimits() {
    EventsUnstructured defaultPage = client.auditLog.getUnstructuredEvents(search(FROM, TO, 0, ""));
    assertThat(defaultPage.getItemsCount()).isEqualTo(500);
    assertThat(defaultPage.getLastKey()).isNotEmpty();

    assertThat(client.auditLog.getUnstructuredEvents(search(FROM, TO, 10_000, "")).getItemsCount())
        .isEqualTo(6_000);
    assertThatThrownBy(() -> client.auditLog.getUnstructuredEvents(search(FROM, TO, 10_001, "")))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    assertThatThrownBy(
            () -> client.auditLog.getUnstructuredEvents(search(FROM, TO, 10, "not-a-cursor")))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }

  @Test
  void searchFiltersByEventType() {
    Set<String> types = Set.of("session.upload", "user.login");
    List<String> ids = new ArrayList<>();
    String cursor = "";
    do {
      EventsUnstructured page =
          client.auditLog.getUnstructuredEvents(
              search(FROM, TO, 250, cursor).toBuilder().addAllEventTypes(types).build());
      page.getItemsList().forEach(event -> assertThat(types).contains(event.getType()));
      page.getItemsList().forEach(event -> ids.add(event.getId()));
      cursor = page.getLastKey();
    } while (!cursor.isEmpty());
    assertThat(ids)
        .containsExactlyElementsOf(
            cluster
                .expectedAuditEvents()
                .filter(event -> types.contains(event.getType()))
                .map(EventUnstructured::getId)
                .toList());
  }

  @Test
  void orderOneIsDescending() {
    EventsUnstructured page =
        client.auditLog.getUnstructuredEvents(
            search(FROM, TO, 5, "").toBuilder().setOrderValue(1).build());
    List<String> lastFive =
        cluster.expectedAuditEvents().skip(5_995).map(EventUnstructured::getId).toList();
    assertThat(page.getItemsList().stream().map(EventUnstructured::getId).toList())
        .containsExactlyElementsOf(reversed(lastFive));
  }

  @Test
  void bulkExportChunksCoverEachDayExactlyOnce() {
    for (LocalDate day = date(FROM); day.isBefore(date(TO)); day = day.plusDays(1)) {
      LocalDate current = day;
      List<String> names = client.chunkNames(day);
      assertThat(names).doesNotHaveDuplicates().hasSizeGreaterThan(1);
      List<String> exported = new ArrayList<>();
      for (String name : names) {
        client
            .auditLog
            .exportUnstructuredEvents(export(day, name, ""))
            .forEachRemaining(item -> exported.add(item.getEvent().getId()));
      }
      List<String> expected =
          cluster
              .expectedAuditEvents()
              .filter(event -> date(instant(event.getTime())).equals(current))
              .map(EventUnstructured::getId)
              .toList();
      assertThat(exported).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  @Test
  void chunkListingOrderIsNotStable() {
    LocalDate day = date(FROM);
    Set<List<String>> orders = new HashSet<>();
    for (int i = 0; i < 8; i++) {
      orders.add(client.chunkNames(day));
    }
    assertThat(orders).hasSizeGreaterThan(1);
    assertThat(orders.stream().map(Set::copyOf).collect(Collectors.toSet())).hasSize(1);
  }

  @Test
  void exportResumesAfterTheCursorOfAnItem() {
    LocalDate day = date(FROM);
    String chunk = client.chunkNames(day).get(0);
    List<ExportEventUnstructured> all = new ArrayList<>();
    client.auditLog.exportUnstructuredEvents(export(day, chunk, "")).forEachRemaining(all::add);
    assertThat(all).hasSizeGreaterThan(20);
    List<ExportEventUnstructured> rest = new ArrayList<>();
    client
        .auditLog
        .exportUnstructuredEvents(export(day, chunk, all.get(9).getCursor()))
        .forEachRemaining(rest::add);
    assertThat(rest).containsExactlyElementsOf(all.subList(10, all.size()));
    List<ExportEventUnstructured> none = new ArrayList<>();
    client
        .auditLog
        .exportUnstructuredEvents(export(day, chunk, all.get(all.size() - 1).getCursor()))
        .forEachRemaining(none::add);
    assertThat(none).isEmpty();
  }

  @Test
  void exportOfAnUnknownDayOrChunk() {
    assertThat(client.chunkNames(date(TO).plusDays(2))).isEmpty();
    assertThatThrownBy(
            () ->
                client
                    .auditLog
                    .exportUnstructuredEvents(export(date(FROM), "0123456789abcdef", ""))
                    .hasNext())
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void sessionRecordingStreamsFromAnIndex() {
    String sid = cluster.sessionIds().get(0);
    List<EventUnstructured> all = sessionEvents(sid, 0);
    assertThat(all).isEqualTo(cluster.expectedSessionEvents(sid)).hasSizeBetween(20, 60);
    for (int i = 0; i < all.size(); i++) {
      assertThat(all.get(i).getIndex()).isEqualTo(i);
      assertThat(number(all.get(i), "ei")).isEqualTo(i);
    }
    assertThat(all.get(0).getType()).isEqualTo("session.start");
    assertThat(all.get(all.size() - 1).getType()).isEqualTo("session.end");
    EventUnstructured print =
        all.stream().filter(event -> event.getType().equals("print")).findFirst().orElseThrow();
    assertThat(Base64.getDecoder().decode(string(print, "data"))).isNotEmpty();

    assertThat(sessionEvents(sid, 7)).containsExactlyElementsOf(all.subList(7, all.size()));
    assertThat(sessionEvents(sid, all.size())).isEmpty();
  }

  @Test
  void unknownSessionIsNotFound() {
    String sid = UUID.randomUUID().toString();
    assertThatThrownBy(() -> sessionEvents(sid, 0))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
              assertThat(e.getStatus().getDescription())
                  .isEqualTo("a recording for session " + sid + " was not found");
            });
  }

  @Test
  void uploadEventsNameTheirRecording() {
    EventUnstructured upload =
        cluster
            .expectedAuditEvents()
            .filter(event -> event.getType().equals("session.upload"))
            .findFirst()
            .orElseThrow();
    String sid = string(upload, "sid");
    assertThat(cluster.sessionIds()).startsWith(sid);
    assertThat(string(upload, "url")).contains(sid);
    assertThat(string(upload, "code")).isEqualTo("T2005I");
  }

  @Test
  void eventsHaveTeleportsJsonShape() {
    Set<String> users = Set.of("alice", "bob", "carol", "dave", "erin");
    List<EventUnstructured> failures =
        cluster
            .expectedAuditEvents()
            .filter(event -> event.getType().equals("user.login"))
            .filter(event -> !event.getUnstructured().getFieldsOrThrow("success").getBoolValue())
            .toList();
    assertThat(failures).hasSizeGreaterThan(100);
    for (EventUnstructured event : failures) {
      assertThat(string(event, "event")).isEqualTo("user.login");
      assertThat(string(event, "code")).isEqualTo("T1000W");
      assertThat(string(event, "uid")).isEqualTo(event.getId());
      assertThat(string(event, "cluster_name")).isEqualTo("sim.example.com");
      assertThat(string(event, "error")).isNotEmpty();
      assertThat(string(event, "addr.remote")).matches("[0-9.]+:[0-9]+");
      assertThat(string(event, "method")).isNotEmpty();
      assertThat(users).contains(string(event, "user"));
      assertThat(string(event, "time"))
          .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
      assertThat(Instant.parse(string(event, "time"))).isEqualTo(instant(event.getTime()));
      assertThat(number(event, "ei")).isEqualTo(event.getIndex());
    }
    // Failed logins repeat per user, so a lock threshold is reachable.
    assertThat(failures.stream().collect(Collectors.groupingBy(e -> string(e, "user"))))
        .allSatisfy((user, list) -> assertThat(list).hasSizeGreaterThan(3));
    Set<String> types =
        cluster.expectedAuditEvents().map(EventUnstructured::getType).collect(Collectors.toSet());
    assertThat(types)
        .contains(
            "user.login",
            "session.start",
            "session.end",
            "session.upload",
            "exec",
            "cert.create",
            "role.created",
            "access_request.create");
  }

  @Test
  void sameSeedSameEventsOtherSeedOtherEvents() {
    SimulatedCluster twin = history(42).build();
    SimulatedCluster other = history(43).build();
    assertThat(twin.expectedAuditEvents().toList())
        .isEqualTo(cluster.expectedAuditEvents().toList());
    assertThat(twin.sessionIds()).isEqualTo(cluster.sessionIds());
    String sid = cluster.sessionIds().get(3);
    assertThat(twin.expectedSessionEvents(sid)).isEqualTo(cluster.expectedSessionEvents(sid));
    assertThat(other.auditEvent(0)).isNotEqualTo(cluster.auditEvent(0));
    assertThat(other.expectedSessionEvents(sid)).isEmpty();
  }

  // --- helpers ---

  static GetUnstructuredEventsRequest search(Instant from, Instant to, int limit, String cursor) {
    return GetUnstructuredEventsRequest.newBuilder()
        .setNamespace("default")
        .setStartDate(timestamp(from))
        .setEndDate(timestamp(to))
        .setLimit(limit)
        .setStartKey(cursor)
        .build();
  }

  static ExportUnstructuredEventsRequest export(LocalDate day, String chunk, String cursor) {
    return ExportUnstructuredEventsRequest.newBuilder()
        .setDate(timestamp(day.atStartOfDay(ZoneOffset.UTC).toInstant()))
        .setChunk(chunk)
        .setCursor(cursor)
        .build();
  }

  static List<EventUnstructured> sessionEvents(String sid, int from) {
    List<EventUnstructured> events = new ArrayList<>();
    client
        .auditLog
        .streamUnstructuredSessionEvents(
            StreamUnstructuredSessionEventsRequest.newBuilder()
                .setSessionId(sid)
                .setStartIndex(from)
                .build())
        .forEachRemaining(events::add);
    return events;
  }

  static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }

  static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }

  static LocalDate date(Instant instant) {
    return LocalDate.ofInstant(instant, ZoneOffset.UTC);
  }

  static String string(EventUnstructured event, String field) {
    Value value = event.getUnstructured().getFieldsOrThrow(field);
    return value.getStringValue();
  }

  static long number(EventUnstructured event, String field) {
    return (long) event.getUnstructured().getFieldsOrThrow(field).getNumberValue();
  }

  static <T> List<T> reversed(List<T> list) {
    List<T> copy = new ArrayList<>(list);
    java.util.Collections.reverse(copy);
    return copy;
  }
}
