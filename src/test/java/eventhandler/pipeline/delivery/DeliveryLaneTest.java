package eventhandler.pipeline.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventhandler.sink.DeliveryReport;
import eventhandler.sink.EventSink;
import eventhandler.sink.SinkHealth;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class DeliveryLaneTest {
  /** A sink whose deliveries the test completes by hand. */
  static final class ManualSink implements EventSink {
    final List<List<byte[]>> batches = new CopyOnWriteArrayList<>();
    final List<CompletableFuture<DeliveryReport>> futures = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<DeliveryReport> send(URI url, List<byte[]> records) {
      batches.add(records);
      CompletableFuture<DeliveryReport> future = new CompletableFuture<>();
      futures.add(future);
      return future;
    }

    void complete(int index) {
      futures.get(index).complete(new DeliveryReport(batches.get(index).size(), 0, 1, 0));
    }

    @Override
    public SinkHealth health() {
      return null;
    }

    @Override
    public void close() {}
  }

  private static byte[] json(int i) {
    return ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8);
  }

  private final ManualSink sink = new ManualSink();
  private final InFlightBatches inFlight = new InFlightBatches(Clock.systemUTC());

  @Test
  void theFirstBatchGoesOutAfterItsLingerAndLaterOnesOnlyWhenFull() throws InterruptedException {
    long[] now = {0};
    DeliveryLane<Integer> lane =
        new DeliveryLane<>(
            sink, URI.create("https://x/a"), 100, 1 << 20, 4, 0, r -> {}, inFlight, () -> now[0]);
    lane.add(json(1), 1);
    now[0] += DeliveryLane.FIRST_BATCH_LINGER_NANOS - 1;
    lane.add(json(2), 2);
    assertThat(sink.batches).isEmpty();

    now[0] += 1;
    lane.add(json(3), 3);
    assertThat(sink.batches).extracting(List::size).containsExactly(3);

    now[0] += 10 * DeliveryLane.FIRST_BATCH_LINGER_NANOS;
    for (int i = 4; i < 104; i++) {
      lane.add(json(i), i);
    }
    assertThat(sink.batches).extracting(List::size).containsExactly(3, 100);
  }

  @Test
  void batchesByCountAndCommitsInReadOrder() throws InterruptedException {
    DeliveryLane<Integer> lane =
        new DeliveryLane<>(sink, URI.create("https://x/a"), 2, 1 << 20, 4, 0, r -> {}, inFlight);
    for (int i = 1; i <= 5; i++) {
      lane.add(json(i), i);
    }
    lane.flush();
    assertThat(sink.batches).extracting(List::size).containsExactly(2, 2, 1);

    sink.complete(1);
    assertThat(lane.committed()).isZero();
    sink.complete(0);
    assertThat(lane.committed()).isEqualTo(4);
    sink.complete(2);
    assertThat(lane.committed()).isEqualTo(5);
    assertThat(inFlight.count()).isZero();
  }

  @Test
  void batchesByBytes() throws InterruptedException {
    DeliveryLane<Integer> lane =
        new DeliveryLane<>(sink, URI.create("https://x/a"), 100, 20, 4, 0, r -> {}, inFlight);
    for (int i = 1; i <= 4; i++) {
      lane.add(json(i), i); // 7 bytes each plus a separator: two fit in 20 bytes
    }
    lane.flush();
    assertThat(sink.batches).extracting(List::size).containsExactly(2, 2);
  }

  @Test
  void skippedEventsAdvanceThePositionOnlyAfterEarlierBatchesAreDelivered()
      throws InterruptedException {
    DeliveryLane<Integer> lane =
        new DeliveryLane<>(sink, URI.create("https://x/a"), 10, 1 << 20, 4, 0, r -> {}, inFlight);
    lane.add(json(1), 1);
    lane.flush();
    lane.skip(2);
    lane.skip(3);
    lane.flush();
    assertThat(lane.committed()).isZero();
    sink.complete(0);
    assertThat(lane.committed()).isEqualTo(3);
    assertThat(sink.batches).hasSize(1);
  }

  @Test
  void aBatchThatFailsBecauseTheSinkClosedIsNeverCommitted() throws InterruptedException {
    DeliveryLane<Integer> lane =
        new DeliveryLane<>(sink, URI.create("https://x/a"), 1, 1 << 20, 4, 0, r -> {}, inFlight);
    lane.add(json(1), 1);
    sink.futures.get(0).completeExceptionally(new IllegalStateException("closed"));
    assertThat(lane.committed()).isZero();
    assertThat(inFlight.count()).isZero();
  }

  @Test
  void blocksWhenTooManyBatchesAreInFlight() throws InterruptedException {
    DeliveryLane<Integer> lane =
        new DeliveryLane<>(sink, URI.create("https://x/a"), 1, 1 << 20, 1, 0, r -> {}, inFlight);
    lane.add(json(1), 1);
    AtomicBoolean secondSent = new AtomicBoolean();
    Thread writer =
        new Thread(
            () -> {
              try {
                lane.add(json(2), 2);
                secondSent.set(true);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    writer.start();
    await().during(java.time.Duration.ofMillis(200)).until(() -> !secondSent.get());
    assertThat(sink.batches).hasSize(1);
    sink.complete(0);
    await().until(secondSent::get);
    assertThat(sink.batches).hasSize(2);
    writer.join();
  }

  @Test
  void anEventAddedWhileInterruptedIsKeptAndSentByFlushOnStop() throws InterruptedException {
    DeliveryLane<Integer> lane =
        new DeliveryLane<>(sink, URI.create("https://x/a"), 2, 1 << 20, 1, 0, r -> {}, inFlight);
    lane.add(json(1), 1);
    lane.add(json(2), 2); // a full batch: sent, and it holds the only slot
    lane.add(json(3), 3);
    Thread.currentThread().interrupt();
    try {
      lane.add(json(4), 4); // full again; waiting for the slot is interrupted by the stop
      throw new AssertionError("add must give up when interrupted");
    } catch (InterruptedException expected) {
      // the stop
    }
    lane.flushOnStop();
    assertThat(sink.batches).extracting(List::size).containsExactly(2, 2);
    sink.complete(0);
    sink.complete(1);
    assertThat(lane.committed()).isEqualTo(4);
    assertThat(inFlight.count()).isZero();
  }

  @Test
  void aBatchCountsAsInFlightUntilItsAcknowledgementIsRecorded() throws InterruptedException {
    // The shutdown writes the last checkpoint once nothing is in flight: by then the committed
    // position must include every settled batch.
    List<Integer> inFlightWhenAcknowledged = new CopyOnWriteArrayList<>();
    DeliveryLane<Integer> lane =
        new DeliveryLane<>(
            sink,
            URI.create("https://x/a"),
            2,
            1 << 20,
            4,
            0,
            report -> inFlightWhenAcknowledged.add(inFlight.count()),
            inFlight);
    lane.add(json(1), 1);
    lane.add(json(2), 2);
    sink.complete(0);
    assertThat(inFlightWhenAcknowledged).containsExactly(1);
    assertThat(inFlight.count()).isZero();
    assertThat(lane.committed()).isEqualTo(2);
  }
}
