package eventhandler.pipeline.delivery;

import java.time.Duration;
import java.util.ArrayDeque;

/**
 * Tracks positions in the order they were read while their deliveries are acknowledged in any
 * order. The committed position is the last one of the contiguous acknowledged prefix: a checkpoint
 * written from it never skips an event that Fluentd has not taken.
 */
final class AckTracker<P> {
  /** One registered position; acknowledged once. */
  static final class Ticket<P> {
    private final P position;
    private boolean acknowledged;

    private Ticket(P position) {
      this.position = position;
    }
  }

  private final ArrayDeque<Ticket<P>> pending = new ArrayDeque<>();
  private P committed;

  AckTracker(P initial) {
    this.committed = initial;
  }

  synchronized Ticket<P> register(P position) {
    Ticket<P> ticket = new Ticket<>(position);
    pending.addLast(ticket);
    return ticket;
  }

  synchronized void acknowledge(Ticket<P> ticket) {
    ticket.acknowledged = true;
    while (!pending.isEmpty() && pending.peekFirst().acknowledged) {
      committed = pending.pollFirst().position;
    }
    if (pending.isEmpty()) {
      notifyAll();
    }
  }

  /** The last position of the acknowledged prefix, or the initial position. */
  synchronized P committed() {
    return committed;
  }

  synchronized int pendingCount() {
    return pending.size();
  }

  /** Waits until everything registered has been acknowledged; false on timeout. */
  synchronized boolean awaitAllAcknowledged(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!pending.isEmpty()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }
}
