package eventhandler.sim.fluentd;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/** Failures the receiver injects on demand; safe to change from any thread. */
final class FluentdFaults {
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private final AtomicInteger dropsLeft = new AtomicInteger();
  private volatile int failureStatus = 500;
  private volatile boolean failAll;
  private volatile Predicate<JsonNode> poison;
  private volatile Duration latency = Duration.ZERO;

  void failNext(int requests, int status) {
    failureStatus = status;
    failuresLeft.set(requests);
  }

  void failAll(int status) {
    failureStatus = status;
    failAll = true;
  }

  void dropNext(int requests) {
    dropsLeft.set(requests);
  }

  /** Whether to close the connection instead of answering this request. */
  boolean takeDrop() {
    return takeOne(dropsLeft);
  }

  void clear() {
    failAll = false;
    failuresLeft.set(0);
    dropsLeft.set(0);
    poison = null;
    latency = Duration.ZERO;
  }

  /** The status to answer this request with instead of accepting it, or 0. */
  int takeFailure() {
    if (failAll) {
      return failureStatus;
    }
    return takeOne(failuresLeft) ? failureStatus : 0;
  }

  private static boolean takeOne(AtomicInteger left) {
    int current = left.get();
    while (current > 0) {
      if (left.compareAndSet(current, current - 1)) {
        return true;
      }
      current = left.get();
    }
    return false;
  }

  void poison(Predicate<JsonNode> isPoison) {
    poison = isPoison;
  }

  Predicate<JsonNode> poison() {
    return poison;
  }

  void latency(Duration perRequest) {
    latency = perRequest;
  }

  Duration latency() {
    return latency;
  }
}
