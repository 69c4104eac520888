package eventhandler.sim.fluentd;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** What the receiver counts of its connections, handshakes, requests and answers. */
final class ReceiverCounts {
  final LongAdder requests = new LongAdder();
  final LongAdder arrayRequests = new LongAdder();
  final LongAdder connectionsAccepted = new LongAdder();
  final LongAdder handshakes = new LongAdder();
  final LongAdder handshakeFailures = new LongAdder();
  final LongAdder idleCloses = new LongAdder();
  final AtomicLong resumptionsRefused = new AtomicLong();
  private final Map<Integer, LongAdder> responses = new ConcurrentHashMap<>();

  void response(int status) {
    responses.computeIfAbsent(status, key -> new LongAdder()).increment();
  }

  long responses(int status) {
    LongAdder count = responses.get(status);
    return count == null ? 0 : count.sum();
  }

  Map<Integer, Long> responsesByStatus() {
    Map<Integer, Long> result = new TreeMap<>();
    responses.forEach((status, count) -> result.put(status, count.sum()));
    return result;
  }
}
