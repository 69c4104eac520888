package eventhandler.pipeline.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import eventhandler.pipeline.EventFilter;
import eventhandler.pipeline.ExportMetrics;
import eventhandler.pipeline.ExportTimings;
import eventhandler.pipeline.UnsupportedTeleportClient;
import eventhandler.pipeline.delivery.Checkpointer;
import eventhandler.pipeline.delivery.DeliveryLane;
import eventhandler.pipeline.delivery.InFlightBatches;
import eventhandler.sink.DeadLetterFile;
import eventhandler.state.StateStore;
import eventhandler.teleport.EventStream;
import eventhandler.teleport.MappedEventStream;
import eventhandler.teleport.TeleportEvent;
import eventhandler.teleport.TeleportException;
import eventhandler.teleport.proto.auditlog.EventUnstructured;
import eventhandler.testing.AcceptingSink;
import io.grpc.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionSchedulerTest {
  private static final int LENGTH = 6;
  private static final ExportTimings QUICK =
      new ExportTimings(
          Duration.ofHours(1), Duration.ofHours(1), Duration.ofMillis(1), Duration.ofSeconds(1));

  @TempDir Path dir;
  private final Clock clock = Clock.systemUTC();
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);
  private final List<String> delivered = new CopyOnWriteArrayList<>();
  private final List<Integer> streamedFrom = new CopyOnWriteArrayList<>();
  private StateStore state;
  private DeadLetterFile deadLetters;
  private SessionScheduler exporter;

  @BeforeEach
  void openState() throws Exception {
    state = StateStore.openDirectory(dir.resolve("state"));
    deadLetters = new DeadLetterFile(dir.resolve("dead-letter.jsonl"), clock);
  }

  @AfterEach
  void stop() throws Exception {
    if (exporter != null) {
      exporter.close();
    }
    scheduler.shutdownNow();
    deadLetters.close();
  }

  @Test
  void sessionsResumedAtStartAreBusyFromTheFirstMoment() throws Exception {
    state.setSessionIndex("s1", 3);
    CountDownLatch release = new CountDownLatch(1);
    start(
        (sid, from) -> {
          awaitLatch(release);
          return stream(from, LENGTH, null);
        });

    assertThat(exporter.idle()).as("idle before the resumed session was even queued").isFalse();
    release.countDown();

    await().atMost(Duration.ofSeconds(5)).until(exporter::idle);
    assertThat(streamedFrom).containsExactly(3);
    assertThat(delivered).containsExactly("s1/3", "s1/4", "s1/5");
    assertThat(state.sessions()).isEmpty();
  }

  @Test
  void theUploadOfASessionResumedAtStartReadAgainAfterItFinishedExportsNothingTwice()
      throws Exception {
    // The last run saved s1 (and the missing m1) but was stopped before the upload events were
    // delivered, so this run reads them again, here after s1 is already exported to its end.
    state.setSessionIndex("s1", 0);
    state.setMissingRecording("m1", new eventhandler.state.MissingRecording(0, 1, clock.instant()));
    start((sid, from) -> stream(from, LENGTH, null));
    await().atMost(Duration.ofSeconds(5)).until(exporter::idle);
    assertThat(delivered).hasSize(LENGTH);

    exporter.register("s1", clock.instant());
    exporter.register("m1", clock.instant());

    assertThat(exporter.idle()).as("nothing queued for uploads read again").isTrue();
    assertThat(streamedFrom).containsExactly(0);
    assertThat(delivered).hasSize(LENGTH);
    assertThat(state.sessions()).isEmpty();
    assertThat(state.missingRecordings()).containsOnlyKeys("m1");
  }

  @Test
  void aRecordingThatFailsAtTheSamePlaceIsDeadLetteredAfterThreeAttempts() throws Exception {
    start((sid, from) -> stream(from, 2, internal()));

    exporter.register("s1", clock.instant());

    await().atMost(Duration.ofSeconds(5)).until(exporter::idle);
    assertThat(streamedFrom).containsExactly(0, 2, 2);
    assertThat(delivered).containsExactly("s1/0", "s1/1");
    List<String> lines = Files.readAllLines(deadLetters.path());
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).contains("\"sid\":\"s1\"", "\"index\":2", "INTERNAL");
    assertThat(state.sessions()).isEmpty();
  }

  @Test
  void anOutageIsWaitedOutHoweverLongItLasts() throws Exception {
    start(
        (sid, from) ->
            streamedFrom.size() <= 8
                ? stream(from, from, unavailable())
                : stream(from, LENGTH, null));

    exporter.register("s1", clock.instant());

    await().atMost(Duration.ofSeconds(10)).until(exporter::idle);
    assertThat(streamedFrom).hasSize(9);
    assertThat(delivered).hasSize(LENGTH);
    assertThat(deadLetters.path()).doesNotExist();
  }

  @Test
  void aStreamThatFailsButMovesOnIsNotGivenUp() throws Exception {
    // Every stream delivers one more event before it fails, five times over.
    start(
        (sid, from) -> stream(from, Math.min(from + 1, LENGTH), from < LENGTH ? internal() : null));

    exporter.register("s1", clock.instant());

    await().atMost(Duration.ofSeconds(10)).until(exporter::idle);
    assertThat(delivered).hasSize(LENGTH);
    assertThat(deadLetters.path()).doesNotExist();
  }

  @Test
  void theDeliveredIndexIsSavedOnTheBeatWhileTheRecordingIsExported() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    // The first stream breaks after index 2 (what was read is delivered); the second one waits.
    start(
        (sid, from) -> {
          if (from == 0) {
            return stream(0, 3, unavailable());
          }
          awaitLatch(release);
          return stream(from, LENGTH, null);
        });

    exporter.register("s1", clock.instant());

    await().atMost(Duration.ofSeconds(5)).until(() -> state.sessions().equals(Map.of("s1", 3L)));
    release.countDown();
    await().atMost(Duration.ofSeconds(5)).until(exporter::idle);
    assertThat(streamedFrom).containsExactly(0, 3);
    assertThat(delivered).containsExactly("s1/0", "s1/1", "s1/2", "s1/3", "s1/4", "s1/5");
    assertThat(state.sessions()).as("a finished recording leaves no state").isEmpty();
  }

  @Test
  void aRecordingNotFoundYetIsKeptToBeTriedAgainFromItsIndex() throws Exception {
    state.setSessionIndex("s1", 2);
    start(
        (sid, from) -> {
          throw new TeleportException(
              TeleportException.Kind.NOT_FOUND, "not found", false, Status.Code.NOT_FOUND, null);
        });

    await().atMost(Duration.ofSeconds(5)).until(exporter::idle);
    assertThat(streamedFrom).containsExactly(2);
    assertThat(state.sessions()).isEmpty();
    assertThat(state.missingRecordings()).containsOnlyKeys("s1");
    assertThat(state.missingRecordings().get("s1").index()).isEqualTo(2);
    assertThat(deadLetters.path()).doesNotExist();
  }

  private void start(BiFunction<String, Integer, EventStream<EventUnstructured>> streams)
      throws Exception {
    UnsupportedTeleportClient client =
        new UnsupportedTeleportClient() {
          @Override
          public EventStream<TeleportEvent> streamSessionEvents(String sessionId, int startIndex) {
            streamedFrom.add(startIndex);
            return new MappedEventStream<>(streams.apply(sessionId, startIndex), TeleportEvent::of);
          }
        };
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    InFlightBatches inFlight = new InFlightBatches(Clock.systemUTC());
    Checkpointer checkpointer = new Checkpointer(scheduler, Duration.ofMillis(50), clock);
    checkpointer.start();
    exporter =
        new SessionScheduler(
            client,
            state,
            EventFilter.of(List.of(), List.of(), List.of()),
            new ExportMetrics(registry, clock),
            deadLetters,
            clock,
            job ->
                new DeliveryLane<>(
                    new AcceptingSink(
                        json -> delivered.add(json.replaceAll(".*\"ref\":\"([^\"]+)\".*", "$1"))),
                    URI.create("https://fluentd/session." + job.sessionId() + ".log"),
                    10,
                    1 << 20,
                    1,
                    job.index(),
                    report -> {},
                    inFlight),
            checkpointer,
            scheduler,
            2,
            QUICK,
            new Random(1));
    exporter.start();
  }

  /** Events {@code [from, to)} of session s1, then {@code failure} if not null. */
  private static EventStream<EventUnstructured> stream(
      int from, int to, TeleportException failure) {
    List<EventUnstructured> events = new ArrayList<>();
    for (int i = from; i < to; i++) {
      Struct body =
          Struct.newBuilder()
              .putFields("event", Value.newBuilder().setStringValue("resize").build())
              .putFields("ref", Value.newBuilder().setStringValue("s1/" + i).build())
              .build();
      events.add(
          EventUnstructured.newBuilder()
              .setType("resize")
              .setIndex(i)
              .setUnstructured(body)
              .build());
    }
    Iterator<EventUnstructured> iterator = events.iterator();
    return new EventStream<>() {
      @Override
      public boolean hasNext() {
        if (!iterator.hasNext() && failure != null) {
          throw failure;
        }
        return iterator.hasNext();
      }

      @Override
      public EventUnstructured next() {
        return iterator.next();
      }

      @Override
      public void close() {}
    };
  }

  private static TeleportException internal() {
    return new TeleportException(
        TeleportException.Kind.OTHER,
        "streaming failed: INTERNAL: unexpected EOF",
        true,
        Status.Code.INTERNAL,
        null);
  }

  private static TeleportException unavailable() {
    return new TeleportException(
        TeleportException.Kind.CONNECTION,
        "streaming failed: unavailable",
        true,
        Status.Code.UNAVAILABLE,
        null);
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      assertThat(latch.await(5, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
