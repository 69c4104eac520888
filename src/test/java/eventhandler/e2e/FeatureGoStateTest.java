package eventhandler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import eventhandler.sim.SimulatedCluster;
import eventhandler.sim.SimulatedClusterBuilder;
import eventhandler.teleport.EventPage;
import eventhandler.teleport.TeleportClient;
import eventhandler.teleport.proto.auditlog.EventUnstructured;
import eventhandler.testing.BackgroundStart;
import eventhandler.testing.CapturedLogs;
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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A storage directory the Go plugin left is resumed from. The fixture files are written by hand in
 * the Go plugin's layout and formats (not through this program's state code), pointing part way
 * into the simulated history.
 */
class FeatureGoStateTest {
  @TempDir Path dir;

  private static SimulatedClusterBuilder cluster() {
    return GoStateFixture.cluster();
  }

  @Test
  void resumesTheGoPluginsSearchPosition() throws Exception {
    try (FeatureRun run = FeatureRun.start(dir, cluster().bulkExport(false).build())) {
      SimulatedCluster cluster = run.cluster();
      TeleportClient teleport = run.teleportClient();
      Instant start = cluster.from().truncatedTo(ChronoUnit.SECONDS);
      // The Go plugin was in its third 6-hour window, on its second page, and had exported the
      // fifth event of that page.
      Instant window = start.plus(Duration.ofHours(12));
      EventPage first =
          teleport.searchEvents(window, window.plusSeconds(6 * 3600), List.of(), 20, "");
      assertThat(first.nextKey()).isNotEmpty();
      EventPage second =
          teleport.searchEvents(
              window, window.plusSeconds(6 * 3600), List.of(), 20, first.nextKey());
      EventUnstructured lastExported = second.events().get(4);
      long resumeAfter = indexOf(cluster, lastExported.getId());

      Path state = Files.createDirectories(run.stateDir());
      write(state.resolve("start_time"), start.toString());
      write(state.resolve("window_time"), window.toString());
      write(state.resolve("cursor"), first.nextKey());
      write(state.resolve("id"), lastExported.getId());
      Sessions sessions = writeSessionState(run, state, resumeAfter);

      CapturedLogs stallLogs = CapturedLogs.of("eventhandler.pipeline.audit.StallCheck");
      // Slow deliveries: reading runs ahead of delivery and catches up first.
      run.receiver().latency(Duration.ofMillis(50));
      BackgroundStart running =
          run.timings(FeatureRun.QUICK_RETRIES)
              .launch(
                  "--timeout=1s",
                  "--window-size=6h",
                  "--fluentd-batch-size=5",
                  "--fluentd-max-connections=2");

      List<String> expected = uidsAfter(cluster, resumeAfter);
      sessions.awaitResumed(run, expected);
      assertThat(running.stop().exitCode()).isZero();
      stallLogs.close();
      // Catching up is no stall: paging is ahead of delivery, that is all.
      assertThat(stallLogs.messages(Level.WARN)).isEmpty();
      assertThat(Files.readString(state.resolve("start_time"))).isEqualTo(start.toString());
    }
  }

  @Test
  void resumesTheGoPluginsBulkExportCursors() throws Exception {
    try (FeatureRun run = FeatureRun.start(dir, cluster().build())) {
      SimulatedCluster cluster = run.cluster();
      TeleportClient teleport = run.teleportClient();
      Instant start = cluster.from().truncatedTo(ChronoUnit.SECONDS);
      LocalDate firstDay = LocalDate.ofInstant(start, ZoneOffset.UTC);
      LocalDate secondDay = firstDay.plusDays(1);
      // Day one is done; of day two, one chunk is done and another was read 10 events far.
      List<String> firstDayChunks = teleport.listExportChunks(firstDay);
      List<String> secondDayChunks = teleport.listExportChunks(secondDay);
      assertThat(secondDayChunks).hasSizeGreaterThan(2);
      // The chunk done is the one announcing the most recordings, to have sessions to resume.
      String doneChunk =
          secondDayChunks.stream()
              .max(
                  java.util.Comparator.comparingLong(
                      chunk ->
                          GoStateFixture.read(teleport, secondDay, chunk, Integer.MAX_VALUE)
                              .uploads()))
              .orElseThrow();
      String partChunk =
          secondDayChunks.stream().filter(c -> !c.equals(doneChunk)).findFirst().orElseThrow();
      Set<String> exported = new HashSet<>();
      for (String chunk : firstDayChunks) {
        exported.addAll(GoStateFixture.read(teleport, firstDay, chunk, Integer.MAX_VALUE).uids());
      }
      exported.addAll(
          GoStateFixture.read(teleport, secondDay, doneChunk, Integer.MAX_VALUE).uids());
      GoStateFixture.ChunkRead part = GoStateFixture.read(teleport, secondDay, partChunk, 10);
      exported.addAll(part.uids());

      Path state = Files.createDirectories(run.stateDir());
      write(state.resolve("start_time"), start.toString());
      // The legacy files exist, empty, as the Go plugin leaves them after it moved to bulk export.
      write(state.resolve("window_time"), "");
      write(state.resolve("cursor"), "");
      write(state.resolve("id"), "");
      Path first = Files.createDirectories(state.resolve("cursor_v2").resolve(firstDay.toString()));
      write(first.resolve("completed-chunks"), String.join("\n", firstDayChunks) + "\n");
      Path second =
          Files.createDirectories(state.resolve("cursor_v2").resolve(secondDay.toString()));
      write(second.resolve("completed-chunks"), doneChunk + "\n");
      write(second.resolve(partChunk + ".chunk"), part.cursor());
      List<String> expected =
          cluster
              .expectedAuditEvents()
              .map(EventUnstructured::getId)
              .filter(id -> !exported.contains(id))
              .toList();
      assertThat(expected).hasSizeBetween(50, 290);
      Sessions sessions = writeSessionState(run, state, exported);

      BackgroundStart running = run.timings(FeatureRun.QUICK_RETRIES).launch("--timeout=1s");

      sessions.awaitResumed(run, expected);
      assertThat(running.stop().exitCode()).isZero();
      assertThat(Files.readAllLines(second.resolve("completed-chunks")))
          .containsExactlyInAnyOrderElementsOf(secondDayChunks);
    }
  }

  /** Sessions the Go plugin left: one part way ({@code session<sid>}), one not found yet. */
  private record Sessions(
      String partWay, long savedIndex, String missing, List<String> finishedBefore) {
    /**
     * Waits until exactly the audit events {@code expectedAudit} arrived and these sessions
     * resumed.
     */
    void awaitResumed(FeatureRun run, List<String> expectedAudit) {
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                assertThat(run.receivedAuditUids())
                    .containsExactlyInAnyOrderElementsOf(expectedAudit);
                assertResumed(run);
              });
    }

    private void assertResumed(FeatureRun run) {
      assertThat(FeatureRun.indexes(run.receivedSessionEvents(partWay)))
          .as("the unfinished recording resumes from its saved index")
          .containsExactlyElementsOf(
              run.expectedSessionIndexes(
                  partWay, e -> e.getIndex() >= savedIndex && !e.getType().equals("print")));
      assertThat(FeatureRun.indexes(run.receivedSessionEvents(missing)))
          .as("the missing recording is retried")
          .containsExactlyElementsOf(
              run.expectedSessionIndexes(missing, e -> !e.getType().equals("print")));
      for (String sid : finishedBefore) {
        assertThat(run.receivedSessionEvents(sid)).as("recording %s was done", sid).isEmpty();
      }
    }
  }

  private static Sessions writeSessionState(FeatureRun run, Path state, long resumeAfter)
      throws Exception {
    Set<String> exported = new HashSet<>();
    for (long i = 0; i <= resumeAfter; i++) {
      exported.add(run.cluster().auditEvent(i).getId());
    }
    return writeSessionState(run, state, exported);
  }

  /** Writes the state of two sessions announced among the {@code exported} events. */
  private static Sessions writeSessionState(FeatureRun run, Path state, Set<String> exported)
      throws Exception {
    List<EventUnstructured> uploads =
        run.cluster()
            .expectedAuditEvents()
            .filter(e -> e.getType().equals("session.upload") && exported.contains(e.getId()))
            .toList();
    assertThat(uploads)
        .as("sessions announced before the saved position")
        .hasSizeGreaterThanOrEqualTo(2);
    String partWay = GoStateFixture.sid(uploads.get(0));
    EventUnstructured missingUpload = uploads.get(1);
    String missing = GoStateFixture.sid(missingUpload);
    long savedIndex = 3;
    Files.write(
        state.resolve("session" + partWay),
        ByteBuffer.allocate(8).putLong(savedIndex).array()); // 8 bytes, big-endian
    Instant uploaded =
        Instant.ofEpochSecond(
            missingUpload.getTime().getSeconds(), missingUpload.getTime().getNanos());
    write(
        state.resolve("missing_recording" + missing),
        "{\"Index\":0,\"Attempt\":1,\"Timestamp\":\"" + uploaded + "\"}");
    List<String> finished = new ArrayList<>();
    for (EventUnstructured upload : uploads.subList(2, uploads.size())) {
      finished.add(GoStateFixture.sid(upload));
    }
    return new Sessions(partWay, savedIndex, missing, finished);
  }

  private static List<String> uidsAfter(SimulatedCluster cluster, long index) {
    List<String> uids = new ArrayList<>();
    for (long i = index + 1; i < cluster.auditEventCount(); i++) {
      uids.add(cluster.auditEvent(i).getId());
    }
    return uids;
  }

  private static long indexOf(SimulatedCluster cluster, String uid) {
    for (long i = 0; i < cluster.auditEventCount(); i++) {
      if (cluster.auditEvent(i).getId().equals(uid)) {
        return i;
      }
    }
    throw new AssertionError("no event " + uid);
  }

  private static void write(Path file, String text) throws Exception {
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
