package eventhandler.sim.data;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Faults a test switches on while the simulated cluster runs. Thread-safe; every setter returns
 * {@code this} so faults can be chained.
 */
public final class Faults {
  /** How a stream is cut part way. */
  public enum StreamCut {
    /** The server ends the call with status UNAVAILABLE. */
    UNAVAILABLE,
    /** The server closes the TCP connection the call runs on. */
    CLOSE_CONNECTION
  }

  /** One planned cut: after {@code afterMessages} messages, cut the stream {@code how}. */
  public record Cut(int afterMessages, StreamCut how) {}

  private final long seed;
  private final Map<Rpc, AtomicInteger> failures = new ConcurrentHashMap<>();
  private final Map<Rpc, Queue<Cut>> cuts = new ConcurrentHashMap<>();
  private final Map<Rpc, Duration> delays = new ConcurrentHashMap<>();
  private final Set<String> missingRecordings = ConcurrentHashMap.newKeySet();
  private final Map<String, AtomicInteger> lateRecordings = new ConcurrentHashMap<>();
  private final Set<String> corruptRecordings = ConcurrentHashMap.newKeySet();
  private final Map<Long, Integer> oversizedEvents = new ConcurrentHashMap<>();
  private volatile double missingRecordingShare;

  Faults(long seed) {
    this.seed = seed;
  }

  /** The next {@code calls} calls of {@code rpc} fail with UNAVAILABLE before doing anything. */
  public Faults failNextCalls(Rpc rpc, int calls) {
    failures.computeIfAbsent(rpc, r -> new AtomicInteger()).addAndGet(calls);
    return this;
  }

  /**
   * The next stream of {@code rpc} is cut after {@code afterMessages} messages. Calling this
   * several times plans cuts for that many following streams, in order.
   */
  public Faults cutNextStream(Rpc rpc, int afterMessages, StreamCut how) {
    if (!rpc.serverStreaming()) {
      throw new IllegalArgumentException(rpc + " is not a server-streaming method");
    }
    cuts.computeIfAbsent(rpc, r -> new ConcurrentLinkedQueue<>()).add(new Cut(afterMessages, how));
    return this;
  }

  /** Every call of {@code rpc} waits {@code delay} before answering; zero switches it off. */
  public Faults delayCalls(Rpc rpc, Duration delay) {
    if (delay.isZero() || delay.isNegative()) {
      delays.remove(rpc);
    } else {
      delays.put(rpc, delay);
    }
    return this;
  }

  /** The recordings of these sessions are missing: streaming them answers NOT_FOUND. */
  public Faults missingRecordings(String... sessionIds) {
    missingRecordings.addAll(Set.of(sessionIds));
    return this;
  }

  /**
   * The recording of {@code sessionId} is uploaded late: the next {@code calls} attempts to stream
   * it answer NOT_FOUND, later ones find it.
   */
  public Faults recordingUploadedLate(String sessionId, int calls) {
    lateRecordings.computeIfAbsent(sessionId, s -> new AtomicInteger()).addAndGet(calls);
    return this;
  }

  /**
   * The recordings of these sessions are damaged: every stream of one sends the events before its
   * middle, then fails with INTERNAL, as Teleport does when it cannot read a recording to its end.
   */
  public Faults corruptRecordings(String... sessionIds) {
    corruptRecordings.addAll(Set.of(sessionIds));
    return this;
  }

  /** This share (0..1) of all recordings, chosen deterministically by session id, is missing. */
  public Faults missingRecordingShare(double share) {
    if (share < 0 || share > 1) {
      throw new IllegalArgumentException("share must be between 0 and 1: " + share);
    }
    missingRecordingShare = share;
    return this;
  }

  /**
   * The audit event at {@code index} carries an extra string field of {@code bytes} characters (for
   * example 33 MiB, more than Fluentd accepts), in every API that returns it.
   */
  public Faults oversizedEvent(long index, int bytes) {
    oversizedEvents.put(index, bytes);
    return this;
  }

  /** Switches every fault off. */
  public void clear() {
    failures.clear();
    cuts.clear();
    delays.clear();
    missingRecordings.clear();
    lateRecordings.clear();
    corruptRecordings.clear();
    oversizedEvents.clear();
    missingRecordingShare = 0;
  }

  // --- read by the Auth front as it answers calls ---------------------------------------------

  /** Whether this call of {@code rpc} fails (counts it). */
  public boolean takeFailure(Rpc rpc) {
    AtomicInteger remaining = failures.get(rpc);
    return remaining != null && remaining.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
  }

  /** The cut planned for this stream of {@code rpc}, if any (takes it). */
  public Optional<Cut> takeCut(Rpc rpc) {
    Queue<Cut> queue = cuts.get(rpc);
    return queue == null ? Optional.empty() : Optional.ofNullable(queue.poll());
  }

  /** How long each call of {@code rpc} waits before answering. */
  public Duration delay(Rpc rpc) {
    return delays.getOrDefault(rpc, Duration.ZERO);
  }

  boolean recordingMissing(String sessionId) {
    if (missingRecordings.contains(sessionId)) {
      return true;
    }
    double share = missingRecordingShare;
    if (share <= 0) {
      return false;
    }
    UUID uuid = UUID.fromString(sessionId);
    long hash = SeededHash.of(seed, uuid.getMostSignificantBits(), uuid.getLeastSignificantBits());
    return SeededHash.unit(hash) < share;
  }

  /** Whether this attempt to stream {@code sessionId} finds it not uploaded yet (counts it). */
  public boolean takeLateRecording(String sessionId) {
    AtomicInteger remaining = lateRecordings.get(sessionId);
    return remaining != null && remaining.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
  }

  /** Whether every stream of the recording of {@code sessionId} fails half way. */
  public boolean recordingCorrupt(String sessionId) {
    return corruptRecordings.contains(sessionId);
  }

  OptionalInt oversizedBytes(long index) {
    if (oversizedEvents.isEmpty()) {
      return OptionalInt.empty();
    }
    Integer bytes = oversizedEvents.get(index);
    return bytes == null ? OptionalInt.empty() : OptionalInt.of(bytes);
  }
}
