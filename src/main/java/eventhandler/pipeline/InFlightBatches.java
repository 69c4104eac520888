package eventhandler.pipeline;

import java.time.Duration;

/** Counts batches handed to the sink and not settled yet, across all lanes, for shutdown. */
final class InFlightBatches {
  private int count;

  synchronized void started() {
    count++;
  }

  synchronized void settled() {
    count--;
    if (count == 0) {
      notifyAll();
    }
  }

  synchronized int count() {
    return count;
  }

  /** Waits until no batch is in flight; false when {@code timeout} passes first. */
  synchronized boolean awaitNone(Duration timeout) throws InterruptedException {
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
