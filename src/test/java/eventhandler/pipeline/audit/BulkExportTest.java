package eventhandler.pipeline.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ch.qos.logback.classic.Level;
import eventhandler.pipeline.UnsupportedTeleportClient;
import eventhandler.pipeline.delivery.Checkpointer;
import eventhandler.state.StateStore;
import eventhandler.teleport.EventStream;
import eventhandler.teleport.ExportedEvent;
import eventhandler.teleport.TeleportEvent;
import eventhandler.teleport.proto.auditlog.EventUnstructured;
import eventhandler.testing.CapturedLogs;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bulk export as a source: days and chunks, the cursor each chunk resumes from, completed chunks,
 * broken streams and failed listings, and the end of a run.
 */
class BulkExportTest {
  private static final Instant NOW = Instant.parse("2024-03-10T12:00:00Z");
  private static final LocalDate YESTERDAY = LocalDate.of(2024, 3, 9);
  private static final LocalDate TODAY = LocalDate.of(2024, 3, 10);

  @TempDir Path dir;
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);
  private final Chunks teleport = new Chunks();
  private AuditSources sources;
  private StateStore state;

  /**
   * Chunks of events by day; an item's cursor is the number of items up to it. Listings can be made
   * to fail, and a chunk's next stream to break after some items.
   */
  private static final class Chunks extends UnsupportedTeleportClient {
    final Map<LocalDate, SortedMap<String, List<EventUnstructured>>> days =
        new ConcurrentHashMap<>();
    final AtomicInteger listFailures = new AtomicInteger();
    final Map<String, Integer> breakAfter = new ConcurrentHashMap<>();
    final Map<String, CountDownLatch> holdAfter = new ConcurrentHashMap<>();
    final List<String> streams = new CopyOnWriteArrayList<>();
    final AtomicInteger open = new AtomicInteger();
    final AtomicInteger mostOpen = new AtomicInteger();
    volatile long firstItemMillis;
    final Map<LocalDate, AtomicInteger> openByDay = new ConcurrentHashMap<>();
    volatile boolean twoDaysOpen;

    void add(LocalDate date, String chunk, int events) {
      List<EventUnstructured> items = new ArrayList<>();
      for (int i = 0; i < events; i++) {
        items.add(AuditSources.event(chunk + i, date.atStartOfDay(ZoneOffset.UTC).toInstant()));
      }
      days.computeIfAbsent(date, d -> new ConcurrentSkipListMap<>()).put(chunk, items);
    }

    @Override
    public List<String> listExportChunks(LocalDate date) {
      if (listFailures.getAndDecrement() > 0) {
        throw AuditSources.unavailable();
      }
      return List.copyOf(days.getOrDefault(date, new ConcurrentSkipListMap<>()).keySet());
    }

    @Override
    public EventStream<ExportedEvent> exportChunkEvents(
        LocalDate date, String chunk, String cursor) {
      streams.add(chunk + "@" + cursor);
      List<EventUnstructured> events = days.get(date).get(chunk);
      int from = cursor.isEmpty() ? 0 : Integer.parseInt(cursor);
      Integer failAt = breakAfter.remove(chunk);
      CountDownLatch hold = holdAfter.remove(chunk);
      mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
      openByDay.computeIfAbsent(date, d -> new AtomicInteger()).incrementAndGet();
      twoDaysOpen |= openByDay.entrySet().stream().filter(e -> e.getValue().get() > 0).count() > 1;
      return new EventStream<>() {
        int next = from;
        boolean waited;

        @Override
        public boolean hasNext() {
          if (!waited && firstItemMillis > 0) {
            waited = true; // the backend's time per call
            sleep(firstItemMillis);
          }
          if (failAt != null && next == from + failAt) {
            throw AuditSources.unavailable();
          }
          if (hold != null && next == from + 3) {
            awaitLatch(hold);
          }
          return next < events.size();
        }

        @Override
        public ExportedEvent next() {
          ExportedEvent item =
              new ExportedEvent(TeleportEvent.of(events.get(next)), Integer.toString(next + 1));
          next++;
          return item;
        }

        @Override
        public void close() {
          open.decrementAndGet();
          openByDay.get(date).decrementAndGet();
        }
      };
    }
  }

  @BeforeEach
  void open() throws Exception {
    sources = new AuditSources(clock, dir, YESTERDAY.atStartOfDay(ZoneOffset.UTC).toInstant());
    state = StateStore.openDirectory(dir.resolve("state"));
    teleport.add(YESTERDAY, "a", 3);
    teleport.add(YESTERDAY, "b", 2);
    teleport.add(TODAY, "c", 4);
  }

  @AfterEach
  void close() throws Exception {
    scheduler.shutdownNow();
    sources.deadLetters.close();
  }

  private BulkExport export(boolean exitOnLastEvent, Checkpointer checkpointer) {
    return export(exitOnLastEvent, checkpointer, YESTERDAY);
  }

  private BulkExport export(boolean exitOnLastEvent, Checkpointer checkpointer, LocalDate from) {
    return new BulkExport(
        teleport,
        sources.handler,
        state,
        sources.metrics,
        clock,
        Duration.ofMillis(10),
        exitOnLastEvent,
        3,
        from,
        sources::lane,
        checkpointer,
        AuditSources.quickRetries());
  }

  private BulkExport export() {
    return export(true, new Checkpointer(scheduler, Duration.ofHours(1), clock));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void asManyChunksAreReadAtOnceAsTheReadConcurrencyAllowsAcrossDays() throws Exception {
    LocalDate before = YESTERDAY.minusDays(1);
    teleport.add(before, "early", 5);
    for (int i = 0; i < 4; i++) {
      teleport.add(YESTERDAY, "late" + i, 5);
    }
    teleport.firstItemMillis = 150;
    sources.deadLetters.close();
    sources = new AuditSources(clock, dir, before.atStartOfDay(ZoneOffset.UTC).toInstant());
    BulkExport export =
        export(true, new Checkpointer(scheduler, Duration.ofHours(1), clock), before);
    assertTimeoutPreemptively(Duration.ofSeconds(20), export::run);
    // Three streams at a time, never more, and across the day boundary: while behind, a day is
    // not awaited before the next one is read.
    assertThat(teleport.mostOpen.get()).isEqualTo(3);
    assertThat(teleport.twoDaysOpen).isTrue();
    assertThat(sources.delivered).hasSize(3 + 2 + 4 + 5 * 5).doesNotHaveDuplicates();
    assertThat(state.completedChunks(before)).hasSize(1);
    assertThat(state.completedChunks(YESTERDAY)).hasSize(6);
    assertThat(state.dates()).contains(before, YESTERDAY, TODAY);
  }

  @Test
  void caughtUpTheChunkListIsPolledAsTheGoPluginDoesWithASeventhJitter() {
    Duration sixteen = Duration.ofSeconds(16);
    assertThat(BulkExport.idlePause(sixteen, new java.util.Random(1)))
        .isBetween(sixteen.toNanos() * 6 / 7, sixteen.toNanos());
    java.util.Random low =
        new java.util.Random() {
          @Override
          public double nextDouble() {
            return 0.9999;
          }
        };
    assertThat(BulkExport.idlePause(sixteen, low))
        .isLessThan(sixteen.toNanos() * 6 / 7 + 1_000_000);
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The delivered ids of one chunk, in the order Fluentd got them. */
  private List<String> deliveredOf(String chunk) {
    return sources.delivered.stream().filter(id -> id.startsWith(chunk)).toList();
  }

  @Test
  void everyChunkOfEveryDayIsExportedOnceMarkedCompletedAndTheRunEndsWhenCaughtUp()
      throws Exception {
    BulkExport export = export();

    assertTimeoutPreemptively(Duration.ofSeconds(10), export::run);

    assertThat(sources.delivered).hasSize(9);
    assertThat(deliveredOf("a")).containsExactly("a0", "a1", "a2");
    assertThat(deliveredOf("b")).containsExactly("b0", "b1");
    assertThat(deliveredOf("c")).containsExactly("c0", "c1", "c2", "c3");
    assertThat(teleport.streams).containsExactlyInAnyOrder("a@", "b@", "c@");
    assertThat(state.completedChunks(YESTERDAY)).containsExactlyInAnyOrder("a", "b");
    assertThat(state.completedChunks(TODAY)).containsExactly("c");
    assertThat(state.chunkCursors(TODAY)).as("no cursor left for a completed chunk").isEmpty();
    assertThat(sources.metrics.caughtUp()).isTrue();
    assertThat(export().resumePoint())
        .isEqualTo("resuming on 2024-03-10 (UTC), with 1 chunk of that day done");
  }

  @Test
  void aRestartSkipsCompletedChunksAndResumesEachOtherFromItsSavedCursor() throws Exception {
    state.addDate(YESTERDAY);
    state.markChunkCompleted(YESTERDAY, "a");
    state.setChunkCursor(YESTERDAY, "b", "1");
    BulkExport export = export();
    assertThat(export.resumePoint())
        .isEqualTo("resuming on 2024-03-09 (UTC), with 1 chunk of that day done");

    assertTimeoutPreemptively(Duration.ofSeconds(10), export::run);

    assertThat(teleport.streams).containsExactlyInAnyOrder("b@1", "c@");
    assertThat(sources.delivered).containsExactlyInAnyOrder("b1", "c0", "c1", "c2", "c3");
  }

  @Test
  void aBrokenStreamResumesAfterTheLastDeliveredItemAndAFailedListingIsRetried() throws Exception {
    teleport.listFailures.set(2);
    teleport.breakAfter.put("c", 2);
    BulkExport export = export();

    try (CapturedLogs logs = CapturedLogs.of(BulkExport.class.getName())) {
      assertTimeoutPreemptively(Duration.ofSeconds(10), export::run);

      assertThat(logs.messages(Level.WARN))
          .anyMatch(
              m -> m.startsWith("listing export chunks of 2024-03-09 failed, retrying in 1 ms"))
          .anyMatch(m -> m.startsWith("exporting chunk c of 2024-03-10 failed, resuming in 1 ms"));
    }
    assertThat(teleport.streams).containsSubsequence("c@", "c@2");
    assertThat(deliveredOf("c")).containsExactly("c0", "c1", "c2", "c3");
    assertThat(sources.readErrors()).isEqualTo(3);
  }

  @Test
  void aChunkInProgressHasItsDeliveredCursorSavedOnTheBeat() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    teleport.holdAfter.put("c", release);
    Checkpointer checkpointer = new Checkpointer(scheduler, Duration.ofMillis(20), clock);
    checkpointer.start();
    BulkExport export = export(true, checkpointer);
    Thread runner = new Thread(runQuietly(export));
    runner.start();

    // c0..c2 fill a batch of three: delivered while the stream waits for its fourth item.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> state.chunkCursors(TODAY).equals(Map.of("c", "3")));
    assertThat(state.completedChunks(TODAY)).isEmpty();

    release.countDown();
    runner.join(10_000);
    assertThat(state.completedChunks(TODAY)).containsExactly("c");
    checkpointer.close();
  }

  @Test
  void aLateChunkOfAPastDayIsStillExported() throws Exception {
    BulkExport export = export(false, new Checkpointer(scheduler, Duration.ofHours(1), clock));
    Thread runner = new Thread(runQuietly(export));
    runner.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> sources.delivered.size() == 9);

    teleport.add(YESTERDAY, "d", 2);
    await().atMost(Duration.ofSeconds(10)).until(() -> deliveredOf("d").size() == 2);
    assertThat(state.completedChunks(YESTERDAY)).containsExactlyInAnyOrder("a", "b", "d");

    runner.interrupt();
    runner.join(10_000);
    assertThat(runner.isAlive()).isFalse();
    assertThat(Set.copyOf(sources.delivered)).hasSize(11);
  }

  private static Runnable runQuietly(BulkExport export) {
    return () -> {
      try {
        export.run();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    };
  }
}
