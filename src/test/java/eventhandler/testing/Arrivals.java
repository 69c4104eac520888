package eventhandler.testing;

import eventhandler.demo.LocalStack;
import eventhandler.sim.fluentd.FluentdReceiver;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The receiver's audit and session record counts over time, so a test can tell how much arrived in
 * the moments before a kill (what a checkpoint may not cover yet).
 */
public final class Arrivals implements AutoCloseable {
  /** Records received: audit, and all of them. */
  public record Counts(long audit, long total) {
    public long session() {
      return total - audit;
    }

    public Counts minus(Counts other) {
      return new Counts(audit - other.audit, total - other.total);
    }

    public Counts plus(Counts other) {
      return new Counts(audit + other.audit, total + other.total);
    }
  }

  private record Sample(long nanos, Counts counts) {}

  private final FluentdReceiver receiver;
  private final ConcurrentLinkedDeque<Sample> samples = new ConcurrentLinkedDeque<>();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "e2e-arrivals");
            thread.setDaemon(true);
            return thread;
          });

  Arrivals(FluentdReceiver receiver) {
    this.receiver = receiver;
    sample();
    timer.scheduleAtFixedRate(this::sample, 20, 20, TimeUnit.MILLISECONDS);
  }

  private void sample() {
    samples.addLast(new Sample(System.nanoTime(), now()));
  }

  public Counts now() {
    return new Counts(receiver.received(LocalStack.auditTag()), receiver.totalRecords());
  }

  /** What arrived in the last {@code window} (from the newest sample at least that old). */
  public Counts within(Duration window) {
    long cutoff = System.nanoTime() - window.toNanos();
    Counts before = samples.peekFirst().counts();
    for (Sample sample : samples) {
      if (sample.nanos() > cutoff) {
        break;
      }
      before = sample.counts();
    }
    return now().minus(before);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
