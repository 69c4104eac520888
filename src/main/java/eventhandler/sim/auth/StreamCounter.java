package eventhandler.sim.auth;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Counts server streams still open, and messages sent on all of them. */
final class StreamCounter {
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong messages = new AtomicLong();

  void opened() {
    open.incrementAndGet();
  }

  void closed() {
    open.decrementAndGet();
  }

  void sent() {
    messages.incrementAndGet();
  }

  int open() {
    return open.get();
  }

  long messages() {
    return messages.get();
  }
}
