package eventhandler.pipeline.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Counts batches handed to the sink and not settled yet, across all lanes, for shutdown and for the
 * readiness check, which also needs to know since when some batch has been waiting.
 */
public final class InFlightBatches {
  private final Clock clock;
  private int count;
  private Instant busySince;

  /** Counts batches in flight across every lane; {@code clock} dates when some first were. */
  public InFlightBatches(Clock clock) {
    this.clock = clock;
  }

  synchronized void started() {
    if (count++ == 0) {
      busySince = clock.instant();
    }
  }

  synchronized void settled() {
    count--;
    if (count == 0) {
      busySince = null;
      notifyAll();
    }
  }

  /** Batches in flight now, in all lanes. */
  public synchronized int count() {
    return count;
  }

  /** When the count last went from zero to one; {@code null} while nothing is in flight. */
  public synchronized Instant busySince() {
    return busySince;
  }

  /** Waits until no batch is in flight; false when {@code timeout} passes first. */
  public synchronized boolean awaitNone(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (count > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }
}
