package eventhandler.pipeline.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventhandler.pipeline.PipelineConfig;
import eventhandler.pipeline.UnsupportedTeleportClient;
import eventhandler.pipeline.delivery.Checkpointer;
import eventhandler.pipeline.delivery.DeliveryLane;
import eventhandler.state.StateStore;
import eventhandler.teleport.EventPage;
import eventhandler.testing.TestClock;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The search export's phases: the parallel catch-up, the one reader, and back when behind. */
class SearchPhasesTest {
  private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
  private static final Instant START = NOW.minus(Duration.ofDays(3));
  private static final Duration WINDOW = Duration.ofHours(6);
  private static final int PAGE = 4;

  @TempDir Path dir;
  private final TestClock clock = new TestClock(NOW);
  private final SearchPagerTest.ListSearch teleport = new SearchPagerTest.ListSearch();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final List<String> catchUpCallsAfterTheJump = new CopyOnWriteArrayList<>();
  private volatile boolean jumped;

  private final UnsupportedTeleportClient client =
      new UnsupportedTeleportClient() {
        @Override
        public EventPage searchEvents(
            Instant from, Instant to, List<String> types, int limit, String startKey) {
          if (jumped && Thread.currentThread().getName().startsWith("audit-search-window")) {
            catchUpCallsAfterTheJump.add(from + ".." + to);
          }
          return teleport.searchEvents(from, to, types, limit, startKey);
        }
      };

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  @Test
  void theOneReaderFallenBehindHandsOverToTheParallelReadersAndNothingIsSkipped() throws Exception {
    for (int i = 0; i < 10; i++) {
      teleport.events.add(AuditSources.event("e" + i, START.plus(Duration.ofHours(i + 1))));
    }
    AuditSources sources = new AuditSources(clock, dir, START);
    StateStore state = StateStore.openDirectory(dir.resolve("state"));
    Checkpointer checkpointer = new Checkpointer(scheduler, Duration.ofMillis(20), clock);
    SearchPhases phases =
        SearchPhases.of(
            client,
            sources.handler,
            state,
            sources.metrics,
            clock,
            checkpointer,
            new AuditLanes() {
              @Override
              public <P> DeliveryLane<P> lane(P initial) {
                return sources.lane(initial);
              }
            },
            config(),
            AuditSources.quickRetries(),
            new SearchPosition(START, "", ""),
            from -> follower(sources, state, checkpointer, from));
    AtomicReference<Throwable> ended = new AtomicReference<>();
    Thread runner =
        new Thread(
            () -> {
              try {
                phases.run();
              } catch (Throwable e) {
                ended.set(e);
              }
            });
    runner.start();
    try {
      await()
          .atMost(Duration.ofSeconds(10))
          .failFast(() -> ended.get() != null)
          .untilAsserted(() -> assertThat(sources.delivered).hasSize(10));
      await().atMost(Duration.ofSeconds(10)).until(sources.metrics::caughtUp);

      // Teleport was out for a day: the events of its first hour after now wait to be read.
      for (int i = 10; i < 30; i++) {
        Instant time = NOW.plus(Duration.ofHours(1)).plus(Duration.ofMinutes(i));
        teleport.events.add(AuditSources.event("e" + i, time));
      }
      jumped = true;
      clock.advance(Duration.ofDays(1));

      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> new HashSet<>(sources.delivered).size() == 30);
      assertThat(catchUpCallsAfterTheJump).as("the parallel readers read again").isNotEmpty();
      // The reader delivered e10-e13 and stepped aside at e13's time: only e13 may come twice.
      List<String> twice = new ArrayList<>(sources.delivered);
      for (int i = 0; i < 30; i++) {
        twice.remove("e" + i);
      }
      assertThat(twice).isSubsetOf("e13");
      assertThat(ended.get()).as("still running").isNull();
    } finally {
      runner.interrupt();
      runner.join(10_000);
      sources.deadLetters.close();
    }
  }

  private SearchExport follower(
      AuditSources sources, StateStore state, Checkpointer checkpointer, SearchPosition from) {
    DeliveryLane<SearchPosition> lane = sources.lane(from);
    Checkpointer.Tracking tracking =
        checkpointer.track(lane, position -> state.setLegacyCursor(position.legacyCursor()));
    return new SearchExport(
            new SearchPager(client, clock, WINDOW, PAGE, List.of(), from, false, state.directory()),
            sources.handler,
            lane,
            sources.metrics,
            clock,
            Duration.ofMillis(10),
            false,
            AuditSources.quickRetries().delays(),
            new StallCheck(client, sources.registry, clock, Duration.ofMinutes(5), List.of()))
        .stepAsideWhenBehind(SearchPhases.BEHIND_AGAIN, tracking);
  }

  private static PipelineConfig config() {
    URI url = URI.create("https://fluentd/test.log");
    return new PipelineConfig(
        url,
        url,
        PAGE,
        List.of(),
        List.of(),
        List.of(),
        START,
        Duration.ofMillis(10),
        WINDOW,
        1,
        false,
        3,
        1 << 20,
        4,
        4,
        Duration.ofSeconds(1));
  }
}
