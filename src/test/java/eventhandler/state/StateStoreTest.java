package eventhandler.state;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {
  private static final LocalDate DAY = LocalDate.of(2024, 10, 16);

  @TempDir Path storage;

  @Test
  void namesTheDirectoryAfterTheTeleportAddressLikeTheGoPlugin() throws IOException {
    StateStore store = StateStore.open(storage, "teleport.example.com:443");

    assertThat(store.directory()).isEqualTo(storage.resolve("teleport.example.com_443"));
    assertThat(store.directory()).isDirectory();
    assertThat(StateStore.directoryName("localhost:3025")).isEqualTo("localhost_3025");
    assertThat(StateStore.directoryName("[::1]:3025")).isEqualTo("::1_3025");
    assertThat(StateStore.directoryName("127.0.0.1:3080")).isEqualTo("127.0.0.1_3080");
  }

  @Test
  void rejectsAnAddressWithoutPort() {
    for (String bad : List.of("teleport.example.com", "::1:3025", ":", "[::1]3025")) {
      assertThatThrownBy(() -> StateStore.directoryName(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("--teleport-addr must be host:port");
    }
  }

  @Test
  void dryRunGetsItsOwnRandomDirectoryUnderTheRealOne() throws IOException {
    StateStore first = StateStore.openDryRun(storage, "localhost:3025", new SecureRandom());
    StateStore second = StateStore.openDryRun(storage, "localhost:3025", new SecureRandom());

    Path dryRuns = storage.resolve("localhost_3025").resolve("dry_run");
    assertThat(first.directory().getParent()).isEqualTo(dryRuns);
    assertThat(first.directory().getFileName().toString()).matches("[0-9a-f]{32}");
    assertThat(first.directory()).isNotEqualTo(second.directory());
    first.setCursor("dry");
    assertThat(StateStore.open(storage, "localhost:3025").cursor()).isEmpty();
  }

  @Test
  void emptyStoreHasNothing() throws IOException {
    StateStore store = StateStore.open(storage, "localhost:3025");

    assertThat(store.startTime()).isEmpty();
    assertThat(store.windowTime()).isEmpty();
    assertThat(store.cursor()).isEmpty();
    assertThat(store.lastId()).isEmpty();
    assertThat(store.legacyCursor()).isEqualTo(LegacyCursor.EMPTY);
    assertThat(store.sessions()).isEmpty();
    assertThat(store.missingRecordings()).isEmpty();
    assertThat(store.dates()).isEmpty();
    assertThat(store.completedChunks(DAY)).isEmpty();
    assertThat(store.chunkCursors(DAY)).isEmpty();
  }

  @Test
  void timesAreWrittenAsRfc3339SecondsInUtc() throws IOException {
    StateStore store = StateStore.open(storage, "localhost:3025");

    store.setStartTime(Instant.parse("2021-05-05T10:11:12.987654321Z"));
    store.setWindowTime(Optional.of(Instant.parse("2021-05-06T00:00:00Z")));

    assertThat(text(store, "start_time")).isEqualTo("2021-05-05T10:11:12Z");
    assertThat(text(store, "window_time")).isEqualTo("2021-05-06T00:00:00Z");
    assertThat(store.startTime()).contains(Instant.parse("2021-05-05T10:11:12Z"));
    assertThat(store.windowTime()).contains(Instant.parse("2021-05-06T00:00:00Z"));
  }

  @Test
  void acceptsAnyRfc3339TimeAndGoNotSetValues() throws IOException {
    StateStore store = StateStore.open(storage, "localhost:3025");

    write(store, "start_time", "2021-05-05T12:00:00.5+02:00");
    assertThat(store.startTime()).contains(Instant.parse("2021-05-05T10:00:00Z"));
    write(store, "start_time", "");
    assertThat(store.startTime()).isEmpty();
    write(store, "window_time", "0001-01-01T00:00:00Z"); // Go's zero time.Time
    assertThat(store.windowTime()).isEmpty();
  }

  @Test
  void legacyTripleRoundTrips() throws IOException {
    StateStore store = StateStore.open(storage, "localhost:3025");
    LegacyCursor legacy =
        new LegacyCursor(
            "page-key-7", "event-42", Optional.of(Instant.parse("2024-01-02T00:00:00Z")));

    store.setLegacyCursor(legacy);

    assertThat(store.legacyCursor()).isEqualTo(legacy);
    assertThat(text(store, "cursor")).isEqualTo("page-key-7");
    assertThat(text(store, "id")).isEqualTo("event-42");
    assertThat(text(store, "window_time")).isEqualTo("2024-01-02T00:00:00Z");

    store.setLegacyCursor(new LegacyCursor("c", "i", Optional.empty()));
    assertThat(text(store, "window_time")).isEmpty();
    assertThat(store.legacyCursor().windowStart()).isEmpty();
  }

  @Test
  void sessionIndexIsEightBytesBigEndian() throws IOException {
    StateStore store = StateStore.open(storage, "localhost:3025");

    store.setSessionIndex("5f1a6e1c-0000-4a6b-9d5e-000000000001", 0x01020304L);
    store.setSessionIndex("sid-2", 0);

    assertThat(
            Files.readAllBytes(
                store.directory().resolve("session5f1a6e1c-0000-4a6b-9d5e-000000000001")))
        .containsExactly(0, 0, 0, 0, 1, 2, 3, 4);
    assertThat(Files.readAllBytes(store.directory().resolve("sessionsid-2")))
        .containsExactly(0, 0, 0, 0, 0, 0, 0, 0);
    assertThat(store.sessions())
        .containsExactly(
            Map.entry("5f1a6e1c-0000-4a6b-9d5e-000000000001", 0x01020304L), Map.entry("sid-2", 0L));

    store.removeSession("sid-2");
    store.removeSession("never-there");
    assertThat(store.sessions()).containsOnlyKeys("5f1a6e1c-0000-4a6b-9d5e-000000000001");
    assertThat(store.hasSession("5f1a6e1c-0000-4a6b-9d5e-000000000001")).isTrue();
    assertThat(store.hasSession("sid-2")).isFalse();
  }

  @Test
  void missingRecordingIsGoJson() throws IOException {
    StateStore store = StateStore.open(storage, "localhost:3025");
    store.setSessionIndex("sid-1", 12);

    store.setMissingRecording(
        "sid-1", new MissingRecording(12, 2, Instant.parse("2024-03-04T05:06:07.120Z")));
    store.setMissingRecording(
        "sid-2", new MissingRecording(0, 1, Instant.parse("2024-03-04T05:06:07Z")));

    assertThat(text(store, "missing_recordingsid-1"))
        .isEqualTo("{\"Index\":12,\"Attempt\":2,\"Timestamp\":\"2024-03-04T05:06:07.12Z\"}");
    assertThat(text(store, "missing_recordingsid-2"))
        .isEqualTo("{\"Index\":0,\"Attempt\":1,\"Timestamp\":\"2024-03-04T05:06:07Z\"}");
    assertThat(store.sessions()).as("the session entry moves to missing_recording").isEmpty();
    assertThat(store.missingRecordings())
        .containsExactly(
            Map.entry(
                "sid-1", new MissingRecording(12, 2, Instant.parse("2024-03-04T05:06:07.12Z"))),
            Map.entry("sid-2", new MissingRecording(0, 1, Instant.parse("2024-03-04T05:06:07Z"))));

    store.removeMissingRecording("sid-1");
    store.removeMissingRecording("never-there");
    assertThat(store.missingRecordings()).containsOnlyKeys("sid-2");
  }

  @Test
  void readsFilesWrittenByTheGoPlugin() throws IOException {
    Path dir = storage.resolve("teleport.example.com_443");
    Files.createDirectories(dir);
    // Exactly what the Go plugin (diskv + lib/events/export cursor) leaves on disk.
    Files.writeString(dir.resolve("start_time"), "2024-10-01T00:00:00Z");
    Files.writeString(dir.resolve("window_time"), "2024-10-15T00:00:00Z");
    Files.writeString(dir.resolve("cursor"), "eyJrZXkiOiJ2YWx1ZSJ9");
    Files.writeString(dir.resolve("id"), "0d9e7f5c-4a4d-4f0c-8a5e-6b1f1b1a2c3d");
    Files.write(dir.resolve("sessionaaaa-1"), HexFormat.of().parseHex("00000000000001f4"));
    Files.write(dir.resolve("sessionbbbb-2"), new byte[0]); // Go reads empty as index 0
    Files.writeString(
        dir.resolve("missing_recordingcccc-3"),
        "{\"Index\":7,\"Attempt\":1,\"Timestamp\":\"2024-10-14T23:59:58.123456789Z\"}");
    Path day = dir.resolve("cursor_v2").resolve("2024-10-16");
    Files.createDirectories(day);
    Files.writeString(day.resolve("completed-chunks"), "chunk-a\nchunk-b\n");
    Files.writeString(day.resolve("chunk-c.chunk"), "cursor-of-c\n");
    Files.writeString(day.resolve("chunk-d.chunk"), ""); // Go ignores empty cursors
    Files.createDirectories(dir.resolve("cursor_v2").resolve("2024-10-15")); // empty, still a date
    Files.createDirectories(dir.resolve("cursor_v2").resolve("not-a-date"));
    Files.createDirectories(dir.resolve("profiles"));

    StateStore store = StateStore.open(storage, "teleport.example.com:443");

    assertThat(store.startTime()).contains(Instant.parse("2024-10-01T00:00:00Z"));
    assertThat(store.legacyCursor())
        .isEqualTo(
            new LegacyCursor(
                "eyJrZXkiOiJ2YWx1ZSJ9",
                "0d9e7f5c-4a4d-4f0c-8a5e-6b1f1b1a2c3d",
                Optional.of(Instant.parse("2024-10-15T00:00:00Z"))));
    assertThat(store.sessions())
        .containsExactly(Map.entry("aaaa-1", 500L), Map.entry("bbbb-2", 0L));
    assertThat(store.missingRecordings())
        .containsExactly(
            Map.entry(
                "cccc-3",
                new MissingRecording(7, 1, Instant.parse("2024-10-14T23:59:58.123456789Z"))));
    assertThat(store.dates()).containsExactly(LocalDate.of(2024, 10, 15), DAY);
    assertThat(store.completedChunks(DAY)).containsExactly("chunk-a", "chunk-b");
    assertThat(store.chunkCursors(DAY)).containsExactly(Map.entry("chunk-c", "cursor-of-c"));
    assertThat(store.completedChunks(LocalDate.of(2024, 10, 15))).isEmpty();
  }

  @Test
  void missingRecordingFieldNamesMatchCaseInsensitivelyLikeGo() throws IOException {
    StateStore store = StateStore.open(storage, "localhost:3025");
    write(
        store,
        "missing_recordingsid",
        "{\"id\":\"x\",\"index\":3,\"ATTEMPT\":2,\"timestamp\":\"2024-01-01T01:00:00+01:00\"}");

    assertThat(store.missingRecordings())
        .containsExactly(
            Map.entry("sid", new MissingRecording(3, 2, Instant.parse("2024-01-01T00:00:00Z"))));
  }

  @Test
  void bulkExportCursorRoundTrips() throws IOException {
    StateStore store = StateStore.open(storage, "localhost:3025");

    store.addDate(DAY.minusDays(1));
    store.setChunkCursor(DAY, "chunk-1", "c1-a");
    store.setChunkCursor(DAY, "chunk-1", "c1-b");
    store.setChunkCursor(DAY, "chunk-2", "c2");
    store.markChunkCompleted(DAY, "chunk-2");
    store.markChunkCompleted(DAY, "chunk-3");
    store.markChunkCompleted(DAY, "chunk-2"); // again: no duplicate line

    Path day = store.directory().resolve("cursor_v2").resolve("2024-10-16");
    assertThat(Files.readString(day.resolve("completed-chunks"))).isEqualTo("chunk-2\nchunk-3\n");
    assertThat(Files.readString(day.resolve("chunk-1.chunk"))).isEqualTo("c1-b");
    assertThat(day.resolve("chunk-2.chunk")).doesNotExist();
    assertThat(store.dates()).containsExactly(DAY.minusDays(1), DAY);
    assertThat(store.completedChunks(DAY)).containsExactly("chunk-2", "chunk-3");
    assertThat(store.chunkCursors(DAY)).containsExactly(Map.entry("chunk-1", "c1-b"));

    store.removeDate(DAY.minusDays(1));
    store.removeDate(DAY.minusDays(5));
    assertThat(store.dates()).containsExactly(DAY);
    store.removeDate(DAY);
    assertThat(store.dates()).isEmpty();
    assertThat(day).doesNotExist();
  }

  @Test
  void aCursorLeftNextToACompletedChunkIsIgnored() throws IOException {
    StateStore store = StateStore.open(storage, "localhost:3025");
    store.markChunkCompleted(DAY, "chunk-1");
    // A crash between the completed append and the cursor removal leaves both behind.
    Files.writeString(
        store.directory().resolve("cursor_v2/2024-10-16/chunk-1.chunk"), "stale-cursor");

    assertThat(store.chunkCursors(DAY)).isEmpty();
    assertThat(store.completedChunks(DAY)).containsExactly("chunk-1");
  }

  @Test
  void aTornLastCompletedLineIsIgnoredAndRepairedOnTheNextAppend() throws IOException {
    StateStore store = StateStore.open(storage, "localhost:3025");
    store.addDate(DAY);
    Path completed = store.directory().resolve("cursor_v2/2024-10-16/completed-chunks");
    Files.writeString(completed, "chunk-1\nchunk-2\nchu"); // crash in the middle of an append

    assertThat(store.completedChunks(DAY)).containsExactly("chunk-1", "chunk-2");

    store.markChunkCompleted(DAY, "chunk-3");
    assertThat(Files.readString(completed)).isEqualTo("chunk-1\nchunk-2\nchunk-3\n");
    assertThat(store.completedChunks(DAY)).containsExactly("chunk-1", "chunk-2", "chunk-3");
  }

  @Test
  void filesAre0600AndDirectories0700() throws IOException {
    StateStore store = StateStore.open(storage.resolve("fresh"), "localhost:3025");
    store.setStartTime(Instant.parse("2024-01-01T00:00:00Z"));
    store.setLegacyCursor(new LegacyCursor("c", "i", Optional.of(Instant.EPOCH)));
    store.setSessionIndex("sid", 1);
    store.setMissingRecording("sid2", new MissingRecording(1, 1, Instant.EPOCH));
    store.setChunkCursor(DAY, "chunk-1", "cursor");
    store.markChunkCompleted(DAY, "chunk-2");

    assertThat(mode(storage.resolve("fresh"))).isEqualTo("rwx------");
    try (Stream<Path> tree = Files.walk(store.directory())) {
      for (Path path : tree.toList()) {
        assertThat(mode(path))
            .as(path.toString())
            .isEqualTo(Files.isDirectory(path) ? "rwx------" : "rw-------");
      }
    }
  }

  @Test
  void aCrashMidWriteLeavesTheOldValueAndItsTemporaryFileIsCleanedUp() throws IOException {
    StateStore store = StateStore.open(storage, "localhost:3025");
    store.setCursor("good-cursor");
    store.setChunkCursor(DAY, "chunk-1", "good-chunk-cursor");
    // What writeAtomically leaves when the process dies before the rename.
    Path topTemp = store.directory().resolve(".cursor.123456.tmp");
    Path chunkTemp = store.directory().resolve("cursor_v2/2024-10-16/.chunk-1.chunk.99.tmp");
    Files.writeString(topTemp, "half-writ");
    Files.writeString(chunkTemp, "half");
    Path sessionTemp = store.directory().resolve(".sessionsid.5.tmp");
    Files.write(sessionTemp, new byte[3]);

    StateStore reopened = StateStore.open(storage, "localhost:3025");

    assertThat(reopened.cursor()).isEqualTo("good-cursor");
    assertThat(reopened.chunkCursors(DAY))
        .containsExactly(Map.entry("chunk-1", "good-chunk-cursor"));
    assertThat(reopened.sessions()).isEmpty();
    assertThat(topTemp).doesNotExist();
    assertThat(chunkTemp).doesNotExist();
    assertThat(sessionTemp).doesNotExist();
  }

  @Test
  void corruptFilesAreReportedWithTheFileAndWhatToDo() throws IOException {
    StateStore store = StateStore.open(storage, "localhost:3025");
    Path session = store.directory().resolve("sessionsid-1");
    Files.write(session, new byte[5]);

    assertThatThrownBy(store::sessions)
        .isInstanceOf(CorruptStateException.class)
        .hasMessageContaining(session.toString())
        .hasMessageContaining("found 5 bytes")
        .hasMessageContaining("exports this recording again from its start");
    Files.delete(session);

    write(store, "start_time", "yesterday");
    assertThatThrownBy(store::startTime)
        .isInstanceOf(CorruptStateException.class)
        .hasMessageContaining(store.directory().resolve("start_time").toString())
        .hasMessageContaining("Give --start-time");

    write(store, "missing_recordingsid", "{\"Index\":");
    assertThatThrownBy(store::missingRecordings)
        .isInstanceOf(CorruptStateException.class)
        .hasMessageContaining("missing_recordingsid")
        .hasMessageContaining("not valid JSON")
        .hasMessageContaining("tries this recording again");
  }

  @Test
  void aWriteThatFailsNamesTheFileAndTheCause() throws IOException {
    // The kernel's own "disk full" (ENOSPC), from writing to /dev/full, in place of the file.
    Path full = Path.of("/dev/full");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isWritable(full), "needs /dev/full");
    StateStore store =
        StateStore.openDirectory(
            storage.resolve("full"),
            (file, content) -> {
              try (var out = new java.io.FileOutputStream(full.toFile())) {
                out.write(content);
                out.getFD().sync();
              }
            });

    assertThatThrownBy(() -> store.setSessionIndex("sid-9", 4))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(
            "cannot write state file " + store.directory().resolve("sessionsid-9"))
        .hasMessageContaining("No space left on device")
        .hasMessageContaining("free space on the file system of " + store.directory());
    assertThatThrownBy(() -> store.setChunkCursor(DAY, "chunk-1", "c"))
        .hasMessageContaining(
            "cannot write state file "
                + store.directory().resolve("cursor_v2/2024-10-16/chunk-1.chunk"));
  }

  @Test
  void rejectsNamesThatCannotBeFileNames() throws IOException {
    StateStore store = StateStore.open(storage, "localhost:3025");

    assertThatThrownBy(() -> store.setSessionIndex("../escape", 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.setSessionIndex("", 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.setChunkCursor(DAY, "a/b", "c"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.markChunkCompleted(DAY, "a b"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void appendsAfterAnExistingGoWrittenCompletedFile() throws IOException {
    StateStore store = StateStore.open(storage, "localhost:3025");
    Path day = store.directory().resolve("cursor_v2/2024-10-16");
    Files.createDirectories(day);
    Files.writeString(day.resolve("completed-chunks"), "chunk-a\n");
    Files.writeString(day.resolve("chunk-b.chunk"), "cb");

    store.markChunkCompleted(DAY, "chunk-b");

    assertThat(Files.readString(day.resolve("completed-chunks"))).isEqualTo("chunk-a\nchunk-b\n");
    assertThat(day.resolve("chunk-b.chunk")).doesNotExist();
  }

  private static String text(StateStore store, String key) throws IOException {
    return Files.readString(store.directory().resolve(key), UTF_8);
  }

  private static void write(StateStore store, String key, String content) throws IOException {
    Files.writeString(
        store.directory().resolve(key),
        content,
        StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE);
  }

  private static String mode(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  @Test
  void savesAndReadsOnAnInterruptedThread() throws IOException {
    // A stop interrupts the threads that then save the export position on their way out.
    StateStore store = StateStore.open(storage, "localhost:3025");
    Thread.currentThread().interrupt();
    try {
      store.setSessionIndex("s1", 42);
      store.setChunkCursor(DAY, "chunk-a", "cursor-7");
      store.markChunkCompleted(DAY, "chunk-b");
      store.markChunkCompleted(DAY, "chunk-c");

      assertThat(store.sessions()).containsExactly(Map.entry("s1", 42L));
      assertThat(store.chunkCursors(DAY)).containsExactly(Map.entry("chunk-a", "cursor-7"));
      assertThat(store.completedChunks(DAY)).containsExactly("chunk-b", "chunk-c");
      assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is kept").isTrue();
    } finally {
      Thread.interrupted();
    }
  }
}
