package eventhandler.pipeline.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ch.qos.logback.classic.Level;
import eventhandler.pipeline.UnsupportedTeleportClient;
import eventhandler.pipeline.delivery.DeliveryLane;
import eventhandler.teleport.EventPage;
import eventhandler.testing.CapturedLogs;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Search paging as a source: what reaches the lane, with which positions, and when it ends. */
class SearchExportTest {
  private static final Instant NOW = Instant.parse("2024-03-10T12:00:00Z");
  private static final Instant START = NOW.minus(Duration.ofDays(3));

  @TempDir Path dir;
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final SearchPagerTest.ListSearch teleport = new SearchPagerTest.ListSearch();
  private final AtomicInteger failuresToCome = new AtomicInteger();
  private AuditSources sources;
  private DeliveryLane<SearchPosition> lane;

  /** The cluster: {@link #teleport}'s events, and the next {@link #failuresToCome} reads fail. */
  private final UnsupportedTeleportClient client =
      new UnsupportedTeleportClient() {
        @Override
        public EventPage searchEvents(
            Instant from, Instant to, List<String> types, int limit, String startKey) {
          if (failuresToCome.getAndDecrement() > 0) {
            throw AuditSources.unavailable();
          }
          return teleport.searchEvents(from, to, types, limit, startKey);
        }
      };

  @BeforeEach
  void tenEventsInTheFirstWindow() {
    sources = new AuditSources(clock, dir, START);
    for (int i = 0; i < 10; i++) {
      teleport.events.add(AuditSources.event("e" + i, START.plus(Duration.ofHours(i + 1))));
    }
  }

  @AfterEach
  void close() throws Exception {
    sources.deadLetters.close();
  }

  private static List<String> ids(int from, int to) {
    List<String> ids = new ArrayList<>();
    for (int i = from; i < to; i++) {
      ids.add("e" + i);
    }
    return ids;
  }

  private SearchExport export(SearchPosition resume, boolean exitOnLastEvent) {
    lane = sources.lane(resume);
    return new SearchExport(
        new SearchPager(
            client, clock, Duration.ofHours(24), 4, List.of(), resume, false, Path.of("state")),
        sources.handler,
        lane,
        sources.metrics,
        clock,
        Duration.ofMillis(10),
        exitOnLastEvent,
        AuditSources.quickRetries().delays(),
        new StallCheck(client, sources.registry, clock, Duration.ofMinutes(5), List.of()));
  }

  @Test
  void everyEventReachesTheLaneOnceWithItsPageAndTheRunEndsAfterTheLast() {
    SearchExport export = export(new SearchPosition(START, "", ""), true);

    assertTimeoutPreemptively(Duration.ofSeconds(10), export::run);

    assertThat(sources.delivered).containsExactlyElementsOf(ids(0, 10));
    // Pages of 4: e8 and e9 came with the request whose cursor was "8".
    assertThat(lane.committed()).isEqualTo(new SearchPosition(START, "8", "e9"));
    assertThat(lane.batchesPending()).as("all delivered before the run ended").isZero();
    assertThat(sources.metrics.caughtUp()).isTrue();
  }

  @Test
  void aRestartResumesAfterTheSavedEventOfTheSavedPage() {
    SearchExport export = export(new SearchPosition(START, "4", "e5"), true);
    assertThat(export.resumePoint())
        .isEqualTo("resuming in the window from " + START + " after event e5");

    assertTimeoutPreemptively(Duration.ofSeconds(10), export::run);

    assertThat(sources.delivered).containsExactlyElementsOf(ids(6, 10));
    assertThat(export(new SearchPosition(START, "4", ""), true).resumePoint())
        .isEqualTo("resuming in the window from " + START + " at its saved page");
  }

  @Test
  void behindByMoreThanItsLimitItDeliversThePageStopsItsTrackingAndSaysFromWhen() {
    AtomicBoolean stopped = new AtomicBoolean();
    SearchExport export =
        export(new SearchPosition(START, "", ""), false)
            .stepAsideWhenBehind(Duration.ofMinutes(10), () -> stopped.set(true));

    assertTimeoutPreemptively(Duration.ofSeconds(10), export::run);

    // The first page (e0-e3) is three days old: delivered whole, then the reader steps aside.
    assertThat(sources.delivered).containsExactlyElementsOf(ids(0, 4));
    assertThat(lane.batchesPending()).isZero();
    assertThat(stopped).isTrue();
    assertThat(export.steppedAsideAt()).contains(START.plus(Duration.ofHours(4)));
  }

  @Test
  void eventsYoungerThanTheLimitAreFollowedAsWithoutIt() {
    AtomicBoolean stopped = new AtomicBoolean();
    SearchExport export =
        export(new SearchPosition(START, "", ""), true)
            .stepAsideWhenBehind(Duration.ofDays(4), () -> stopped.set(true));

    assertTimeoutPreemptively(Duration.ofSeconds(10), export::run);

    assertThat(sources.delivered).containsExactlyElementsOf(ids(0, 10));
    assertThat(stopped).isFalse();
    assertThat(export.steppedAsideAt()).isEmpty();
  }

  @Test
  void failedReadsAreRetriedCountedAndWarnedOnce() {
    failuresToCome.set(3);
    SearchExport export = export(new SearchPosition(START, "", ""), true);

    try (CapturedLogs logs = CapturedLogs.of(SearchExport.class.getName())) {
      assertTimeoutPreemptively(Duration.ofSeconds(10), export::run);

      assertThat(logs.messages(Level.WARN))
          .singleElement()
          .asString()
          .startsWith("reading audit events from Teleport failed, retrying in 1 ms: ")
          .endsWith("UNAVAILABLE: connection reset");
    }
    assertThat(sources.delivered).containsExactlyElementsOf(ids(0, 10));
    assertThat(sources.readErrors()).isEqualTo(3);
  }

  @Test
  void withoutExitOnLastEventItKeepsPollingUntilStopped() throws Exception {
    SearchExport export = export(new SearchPosition(START, "", ""), false);
    AtomicReference<Throwable> ended = new AtomicReference<>();
    Thread runner =
        new Thread(
            () -> {
              try {
                export.run();
                ended.set(new AssertionError("returned without a stop"));
              } catch (Throwable e) {
                ended.set(e);
              }
            });
    runner.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> sources.delivered.size() == 10);

    teleport.events.add(AuditSources.event("e10", NOW.minusSeconds(1)));
    await().atMost(Duration.ofSeconds(10)).until(() -> sources.delivered.size() == 11);
    assertThat(lane.committed().lastId()).isEqualTo("e10");
    assertThat(ended.get()).as("still polling").isNull();

    runner.interrupt();
    runner.join(10_000);
    assertThat(runner.isAlive()).isFalse();
    assertThatThrownBy(
            () -> {
              throw ended.get();
            })
        .isInstanceOf(InterruptedException.class);
  }
}
