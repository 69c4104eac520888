package eventhandler.sink;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A sink for {@code --dry-run}: accepts every event, counts events and bytes per URL, sends none.
 */
public final class DryRunSink implements EventSink {
  /** Events and bytes accepted for one URL. */
  public record Tally(long events, long bytes) {}

  private final Clock clock;
  private final Map<URI, Counters> counters = new ConcurrentHashMap<>();
  private volatile Instant lastSuccess;
  private volatile boolean closed;

  public DryRunSink(Clock clock) {
    this.clock = clock;
  }

  @Override
  public CompletableFuture<DeliveryReport> send(URI url, List<byte[]> records) {
    if (closed) {
      return CompletableFuture.failedFuture(new SinkClosedException());
    }
    long size = 0;
    for (byte[] record : records) {
      size += record.length;
    }
    Counters tally = counters.computeIfAbsent(url, u -> new Counters());
    tally.events.add(records.size());
    tally.bytes.add(size);
    lastSuccess = clock.instant();
    return CompletableFuture.completedFuture(new DeliveryReport(records.size(), 0, 0, 0));
  }

  /** What was accepted so far, per URL, sorted by URL. */
  public Map<URI, Tally> tallies() {
    Map<URI, Tally> result = new TreeMap<>();
    counters.forEach(
        (url, tally) -> result.put(url, new Tally(tally.events.sum(), tally.bytes.sum())));
    return result;
  }

  public long totalEvents() {
    return counters.values().stream().mapToLong(tally -> tally.events.sum()).sum();
  }

  @Override
  public SinkHealth health() {
    return new SinkHealth(lastSuccess, null, 0, null, 0, 0, null);
  }

  @Override
  public void close() {
    closed = true;
  }

  private static final class Counters {
    final LongAdder events = new LongAdder();
    final LongAdder bytes = new LongAdder();
  }
}
