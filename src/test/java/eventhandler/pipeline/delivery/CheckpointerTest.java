package eventhandler.pipeline.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import eventhandler.testing.CapturedLogs;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The beat that saves each tracked lane's committed position when it moved, the last save of a
 * flow, failing saves, and saves that never interleave.
 */
class CheckpointerTest {
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private final DeliveryLaneTest.ManualSink sink = new DeliveryLaneTest.ManualSink();
  private final InFlightBatches inFlight = new InFlightBatches(Clock.systemUTC());

  /** Its beat never comes within a test: it saves when the test says. */
  private final Checkpointer checkpointer =
      new Checkpointer(scheduler, Duration.ofHours(1), Clock.systemUTC());

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  private DeliveryLane<Integer> lane(int initial) {
    return new DeliveryLane<>(
        sink, URI.create("https://x/a"), 2, 1 << 20, 4, initial, batch -> {}, inFlight);
  }

  /** Moves the lane's committed position to {@code position} (a read, filtered-out event). */
  private static void skipTo(DeliveryLane<Integer> lane, int position) throws InterruptedException {
    lane.skip(position);
    lane.flush();
  }

  /** A writer that records what it saved, and can be made to fail. */
  private static final class Saves implements Checkpointer.PositionWriter<Integer> {
    final List<Integer> written = new CopyOnWriteArrayList<>();
    final AtomicInteger attempts = new AtomicInteger();
    volatile boolean failing;

    @Override
    public void write(Integer position) throws IOException {
      attempts.incrementAndGet();
      if (failing) {
        throw new IOException("No space left on device");
      }
      written.add(position);
    }
  }

  @Test
  void onTheBeatEachLaneIsSavedWhenItsPositionMovedAndOnceMoreAtClose() throws Exception {
    Checkpointer beating = new Checkpointer(scheduler, Duration.ofMillis(20), Clock.systemUTC());
    DeliveryLane<Integer> audit = lane(0);
    DeliveryLane<Integer> session = lane(7);
    Saves auditSaves = new Saves();
    Saves sessionSaves = new Saves();
    beating.track(audit, auditSaves);
    beating.track(session, sessionSaves);
    skipTo(audit, 3);
    assertThat(auditSaves.attempts).as("nothing before start").hasValue(0);

    beating.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> auditSaves.written.equals(List.of(3)));
    // Beats go on, yet a position that did not move is not written again.
    await().during(Duration.ofMillis(150)).atMost(Duration.ofSeconds(1)).until(() -> true);
    assertThat(auditSaves.written).containsExactly(3);
    assertThat(sessionSaves.written).as("still where it started").isEmpty();

    skipTo(audit, 5);
    skipTo(session, 9);
    await().atMost(Duration.ofSeconds(5)).until(() -> sessionSaves.written.equals(List.of(9)));
    await().atMost(Duration.ofSeconds(5)).until(() -> auditSaves.written.equals(List.of(3, 5)));

    beating.close();
    skipTo(audit, 6);
    await().during(Duration.ofMillis(150)).atMost(Duration.ofSeconds(1)).until(() -> true);
    assertThat(auditSaves.written).as("the beat has stopped").containsExactly(3, 5);
  }

  @Test
  void theSaveAtCloseWritesWhatWasDeliveredSinceTheLastBeat() throws Exception {
    DeliveryLane<Integer> lane = lane(0);
    Saves saves = new Saves();
    checkpointer.track(lane, saves);
    checkpointer.start();
    lane.add("{}".getBytes(StandardCharsets.UTF_8), 1);
    lane.add("{}".getBytes(StandardCharsets.UTF_8), 2); // a full batch: sent
    sink.complete(0);

    checkpointer.close();
    assertThat(saves.written).containsExactly(2);
  }

  @Test
  void aStoppedFlowIsSavedOnceMoreThenNoLonger() throws Exception {
    DeliveryLane<Integer> chunk = lane(0);
    Saves saves = new Saves();
    Checkpointer.Tracking tracking = checkpointer.track(chunk, saves);
    skipTo(chunk, 4);

    tracking.stop();
    assertThat(saves.written).as("its last position is saved at once").containsExactly(4);

    skipTo(chunk, 8);
    checkpointer.saveAll();
    checkpointer.close();
    assertThat(saves.written).as("not tracked any more").containsExactly(4);
  }

  @Test
  void aFailingSaveIsRetriedAndWarnedOnceInAWhileAndTheOthersStillSave() throws Exception {
    DeliveryLane<Integer> brokenLane = lane(0);
    DeliveryLane<Integer> healthyLane = lane(0);
    Saves broken = new Saves();
    broken.failing = true;
    Saves healthy = new Saves();
    checkpointer.track(brokenLane, broken);
    checkpointer.track(healthyLane, healthy);
    try (CapturedLogs logs = CapturedLogs.of(Checkpointer.class.getName())) {
      for (int i = 1; i <= 5; i++) {
        skipTo(healthyLane, i);
        skipTo(brokenLane, 1);
        checkpointer.saveAll();
      }

      assertThat(healthy.written).containsExactly(1, 2, 3, 4, 5);
      assertThat(broken.attempts).as("tried again each time").hasValue(5);
      assertThat(logs.messages(Level.WARN))
          .hasSize(1)
          .first()
          .asString()
          .contains("could not save the export position (will retry): No space left on device");

      broken.failing = false;
      checkpointer.saveAll();
      assertThat(broken.written).as("saved once the disk has room").containsExactly(1);
    }
  }

  @Test
  void aSaveAtShutdownWaitsForAPeriodicOneStillWriting() throws Exception {
    DeliveryLane<Integer> lane = lane(0);
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger concurrent = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    List<Integer> written = new CopyOnWriteArrayList<>();
    Checkpointer.Tracking tracking =
        checkpointer.track(
            lane,
            position -> {
              mostAtOnce.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
              writing.countDown();
              try {
                release.await(5, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              written.add(position);
              concurrent.decrementAndGet();
            });
    skipTo(lane, 1);
    var periodic = scheduler.submit(checkpointer::saveAll);
    assertThat(writing.await(5, TimeUnit.SECONDS)).isTrue();
    skipTo(lane, 2);
    var last = scheduler.submit(tracking::stop);
    Thread.sleep(100); // the last save would run now if it did not wait
    release.countDown();
    periodic.get(5, TimeUnit.SECONDS);
    last.get(5, TimeUnit.SECONDS);

    assertThat(mostAtOnce).hasValue(1);
    assertThat(written).containsExactly(1, 2);
  }
}
