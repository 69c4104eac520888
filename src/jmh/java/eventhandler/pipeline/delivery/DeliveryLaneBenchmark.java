package eventhandler.pipeline.delivery;

import eventhandler.sink.DeliveryReport;
import eventhandler.sink.EventSink;
import eventhandler.sink.SinkHealth;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Batch assembly in the pipeline, per event: {@code DeliveryLane.add} grouping events into batches
 * by count and bytes, registering each batch's position with the ack tracker and settling it. The
 * sink answers at once, so only the lane's own cost is measured.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DeliveryLaneBenchmark {
  @Param({"1", "500"})
  public int batch;

  private DeliveryLane<Long> lane;
  private final byte[] record = new byte[450];
  private long position;

  @Setup(Level.Trial)
  public void setUp() {
    EventSink sink =
        new EventSink() {
          @Override
          public CompletableFuture<DeliveryReport> send(URI url, List<byte[]> records) {
            return CompletableFuture.completedFuture(new DeliveryReport(records.size(), 0, 1, 0));
          }

          @Override
          public SinkHealth health() {
            return null;
          }

          @Override
          public void close() {}
        };
    lane =
        new DeliveryLane<>(
            sink,
            URI.create("https://localhost/test.log"),
            batch,
            4 * 1024 * 1024,
            10,
            0L,
            report -> {},
            new InFlightBatches(java.time.Clock.systemUTC()));
  }

  @Benchmark
  public long addOneEvent() throws InterruptedException {
    lane.add(record, ++position);
    return position;
  }
}
