package eventhandler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventhandler.sim.SimulatedCluster;
import eventhandler.sim.SimulatedClusterBuilder;
import eventhandler.teleport.EventPage;
import eventhandler.teleport.EventStream;
import eventhandler.teleport.ExportedEvent;
import eventhandler.teleport.TeleportClient;
import eventhandler.teleport.TeleportEvent;
import eventhandler.teleport.proto.auditlog.EventUnstructured;
import eventhandler.testing.E2eRun;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A storage directory in the Go plugin's layout, written by hand (not through the program's state
 * code), of an export stopped part way: the search position or the bulk-export cursors, one
 * recording part way ({@code session<sid>} at index 3) and one not found yet ({@code
 * missing_recording<sid>}). It knows what must still arrive, and how to damage each file.
 */
final class GoStateFixture {
  private static final long SAVED_INDEX = 3;

  private final Path state;
  private final Instant start;
  private final List<String> expectedAudit;
  private String partWay;
  private String missing;

  /** A cursor, or a chunk cursor, further on than the saved one (bulk: of another chunk). */
  private String laterCursor;

  /** The id of an event on a later page than the saved one (search only). */
  private String laterId;

  /** Recordings announced before the saved position and not left part way: done already. */
  private List<String> finishedBefore = List.of();

  private Path chunkCursor;
  private Path completedChunks;
  private List<String> dayTwoChunks = List.of();

  private GoStateFixture(Path state, Instant start, List<String> expectedAudit) {
    this.state = state;
    this.start = start;
    this.expectedAudit = expectedAudit;
  }

  static SimulatedClusterBuilder cluster() {
    return E2eRun.clusterWithHistory(Duration.ofHours(40))
        .seed(61)
        .events(300)
        .sessionShare(0.1)
        .recordingLength(6, 16)
        .chunkSize(30);
  }

  /** Search paging in its third 6-hour window, second page of 20, fifth event exported. */
  static GoStateFixture searchPartWay(E2eRun run) throws Exception {
    SimulatedCluster cluster = run.cluster();
    TeleportClient teleport = run.teleportClient();
    Instant start = cluster.from().truncatedTo(ChronoUnit.SECONDS);
    Instant window = start.plus(Duration.ofHours(12));
    Instant end = window.plus(Duration.ofHours(6));
    EventPage first = teleport.searchEvents(window, end, List.of(), 20, "");
    EventPage second = teleport.searchEvents(window, end, List.of(), 20, first.nextKey());
    assertThat(second.nextKey()).as("a third page in the window").isNotEmpty();
    EventPage third = teleport.searchEvents(window, end, List.of(), 20, second.nextKey());
    TeleportEvent lastExported = second.events().get(4);
    Set<String> exported = new HashSet<>();
    List<String> expected = new ArrayList<>();
    boolean after = false;
    for (EventUnstructured event : cluster.expectedAuditEvents().toList()) {
      if (after) {
        expected.add(event.getId());
      } else {
        exported.add(event.getId());
      }
      after |= event.getId().equals(lastExported.id());
    }
    Path state = Files.createDirectories(run.stateDir());
    GoStateFixture fixture = new GoStateFixture(state, start, expected);
    write(state.resolve("start_time"), start.toString());
    write(state.resolve("window_time"), window.toString());
    write(state.resolve("cursor"), first.nextKey());
    write(state.resolve("id"), lastExported.id());
    fixture.laterCursor = second.nextKey();
    fixture.laterId = third.events().get(0).id();
    fixture.writeSessions(run, exported);
    return fixture;
  }

  /** Bulk export: day one done; of day two one chunk done and another 10 events far. */
  static GoStateFixture bulkPartWay(E2eRun run) throws Exception {
    SimulatedCluster cluster = run.cluster();
    TeleportClient teleport = run.teleportClient();
    Instant start = cluster.from().truncatedTo(ChronoUnit.SECONDS);
    LocalDate firstDay = LocalDate.ofInstant(start, ZoneOffset.UTC);
    LocalDate secondDay = firstDay.plusDays(1);
    List<String> secondDayChunks = teleport.listExportChunks(secondDay);
    assertThat(secondDayChunks).hasSizeGreaterThan(2);
    String doneChunk =
        secondDayChunks.stream()
            .max(Comparator.comparingLong(c -> read(teleport, secondDay, c, 1 << 20).uploads))
            .orElseThrow();
    List<String> others = secondDayChunks.stream().filter(c -> !c.equals(doneChunk)).toList();
    String partChunk = others.get(0);
    Set<String> exported = new HashSet<>();
    List<String> firstDayChunks = teleport.listExportChunks(firstDay);
    for (String chunk : firstDayChunks) {
      exported.addAll(read(teleport, firstDay, chunk, 1 << 20).uids);
    }
    exported.addAll(read(teleport, secondDay, doneChunk, 1 << 20).uids);
    ChunkRead part = read(teleport, secondDay, partChunk, 10);
    exported.addAll(part.uids);
    List<String> expected =
        cluster
            .expectedAuditEvents()
            .map(EventUnstructured::getId)
            .filter(id -> !exported.contains(id))
            .toList();

    Path state = Files.createDirectories(run.stateDir());
    assertThat(expected).as("the export is part way").hasSizeBetween(50, 290);
    GoStateFixture fixture = new GoStateFixture(state, start, expected);
    fixture.dayTwoChunks = secondDayChunks;
    write(state.resolve("start_time"), start.toString());
    // The legacy files exist, empty, as the Go plugin leaves them after it moved to bulk export.
    write(state.resolve("window_time"), "");
    write(state.resolve("cursor"), "");
    write(state.resolve("id"), "");
    Path first = Files.createDirectories(state.resolve("cursor_v2").resolve(firstDay.toString()));
    write(first.resolve("completed-chunks"), String.join("\n", firstDayChunks) + "\n");
    Path second = Files.createDirectories(state.resolve("cursor_v2").resolve(secondDay.toString()));
    fixture.completedChunks = second.resolve("completed-chunks");
    write(fixture.completedChunks, doneChunk + "\n");
    fixture.chunkCursor = second.resolve(partChunk + ".chunk");
    write(fixture.chunkCursor, part.cursor);
    // A cursor one event into another chunk: never a position in this one (the end of an adjacent
    // chunk would be this chunk's start, which Teleport accepts).
    fixture.laterCursor = read(teleport, secondDay, others.get(others.size() - 1), 1).cursor;
    fixture.writeSessions(run, exported);
    return fixture;
  }

  /** Damages {@code file} ("start_time", "cursor", "session", "chunk"...) as told; its path. */
  Path damage(String file, String damage) throws Exception {
    Path path =
        switch (file) {
          case "session" -> state.resolve("session" + partWay);
          case "missing_recording" -> state.resolve("missing_recording" + missing);
          case "chunk" -> chunkCursor;
          case "completed-chunks" -> completedChunks;
          default -> state.resolve(file);
        };
    byte[] good = Files.readAllBytes(path);
    byte[] bad =
        switch (damage) {
          case "empty" -> new byte[0];
          case "truncated" ->
              file.equals("session") ? new byte[5] : DamagedStateTest.truncated(good);
          case "garbage" ->
              file.equals("session")
                  ? ByteBuffer.allocate(8).putLong(-1).array()
                  : DamagedStateTest.garbage();
          case "future" -> future(file);
          default -> throw new IllegalArgumentException(damage);
        };
    Files.write(path, bad);
    return path;
  }

  private byte[] future(String file) {
    String later = DamagedStateTest.inAMonth();
    return switch (file) {
      case "start_time", "window_time" -> DamagedStateTest.utf8(later);
      case "cursor", "chunk" -> DamagedStateTest.utf8(laterCursor);
      case "id" -> DamagedStateTest.utf8(laterId);
      case "session" -> ByteBuffer.allocate(8).putLong(1_000_000).array(); // past the end
      case "missing_recording" ->
          DamagedStateTest.utf8("{\"Index\":0,\"Attempt\":1,\"Timestamp\":\"" + later + "\"}");
      default -> throw new IllegalArgumentException(file);
    };
  }

  /** Does what the refusal of {@code file} says to do; returns the flags it says to add. */
  List<String> applyFix(String file) throws Exception {
    if (file.equals("start_time")) {
      return List.of("--start-time=" + start);
    }
    for (String name : List.of("window_time", "cursor", "id")) {
      Files.deleteIfExists(state.resolve(name));
    }
    return List.of();
  }

  /**
   * Waits until every audit event after the saved position, the part-way recording from its saved
   * index and the missing recording in full arrived; then checks no record is wrong or out of
   * order.
   */
  void awaitNothingMissing(E2eRun run, Duration limit) {
    await()
        .atMost(limit)
        .untilAsserted(
            () -> {
              assertThat(run.receivedAuditUids()).containsAll(expectedAudit);
              assertThat(E2eRun.indexes(run.receivedSessionEvents(partWay)))
                  .containsAll(
                      run.expectedSessionIndexes(
                          partWay,
                          e -> e.getIndex() >= SAVED_INDEX && !e.getType().equals("print")));
              assertThat(E2eRun.indexes(run.receivedSessionEvents(missing)))
                  .containsAll(
                      run.expectedSessionIndexes(missing, e -> !e.getType().equals("print")));
            });
    assertThat(run.expectedAuditUids()).containsAll(new HashSet<>(run.receivedAuditUids()));
  }

  /**
   * With the state undamaged: waits until each audit event after the saved position arrived exactly
   * once, the part-way recording from its saved index, the missing one in full, and nothing of the
   * recordings done before.
   */
  void awaitExactlyResumed(E2eRun run, Duration limit) {
    await()
        .atMost(limit)
        .untilAsserted(
            () -> {
              assertThat(run.receivedAuditUids())
                  .containsExactlyInAnyOrderElementsOf(expectedAudit);
              assertThat(E2eRun.indexes(run.receivedSessionEvents(partWay)))
                  .as("the unfinished recording resumes from its saved index")
                  .containsExactlyElementsOf(
                      run.expectedSessionIndexes(
                          partWay,
                          e -> e.getIndex() >= SAVED_INDEX && !e.getType().equals("print")));
              assertThat(E2eRun.indexes(run.receivedSessionEvents(missing)))
                  .as("the missing recording is retried")
                  .containsExactlyElementsOf(
                      run.expectedSessionIndexes(missing, e -> !e.getType().equals("print")));
            });
    for (String sid : finishedBefore) {
      assertThat(run.receivedSessionEvents(sid)).as("recording %s was done", sid).isEmpty();
    }
  }

  /** Bulk export: every chunk of day two is now listed as completed. */
  void assertDayTwoCompleted() throws Exception {
    assertThat(Files.readAllLines(completedChunks))
        .containsExactlyInAnyOrderElementsOf(dayTwoChunks);
  }

  long sessionRecords(E2eRun run) {
    return run.receivedSessionEvents(partWay).size() + run.receivedSessionEvents(missing).size();
  }

  /** One recording part way and one not found yet, among sessions announced by {@code exported}. */
  private void writeSessions(E2eRun run, Set<String> exported) throws Exception {
    List<EventUnstructured> uploads =
        run.cluster()
            .expectedAuditEvents()
            .filter(e -> e.getType().equals("session.upload") && exported.contains(e.getId()))
            .toList();
    assertThat(uploads).hasSizeGreaterThanOrEqualTo(2);
    partWay = sid(uploads.get(0));
    missing = sid(uploads.get(1));
    finishedBefore = uploads.subList(2, uploads.size()).stream().map(GoStateFixture::sid).toList();
    Files.write(
        state.resolve("session" + partWay), ByteBuffer.allocate(8).putLong(SAVED_INDEX).array());
    EventUnstructured upload = uploads.get(1);
    Instant uploaded =
        Instant.ofEpochSecond(upload.getTime().getSeconds(), upload.getTime().getNanos());
    write(
        state.resolve("missing_recording" + missing),
        "{\"Index\":0,\"Attempt\":1,\"Timestamp\":\"" + uploaded + "\"}");
  }

  record ChunkRead(List<String> uids, String cursor, long uploads) {}

  /** The first {@code limit} events of a chunk: uids, cursor after the last, uploads among them. */
  static ChunkRead read(TeleportClient teleport, LocalDate day, String chunk, int limit) {
    List<String> uids = new ArrayList<>();
    String cursor = "";
    long uploads = 0;
    try (EventStream<ExportedEvent> stream = teleport.exportChunkEvents(day, chunk, "")) {
      while (uids.size() < limit && stream.hasNext()) {
        ExportedEvent item = stream.next();
        uids.add(item.event().id());
        cursor = item.cursor();
        uploads += item.event().type().equals("session.upload") ? 1 : 0;
      }
    }
    return new ChunkRead(uids, cursor, uploads);
  }

  static String sid(EventUnstructured upload) {
    return upload.getUnstructured().getFieldsOrThrow("sid").getStringValue();
  }

  private static void write(Path file, String text) throws Exception {
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
