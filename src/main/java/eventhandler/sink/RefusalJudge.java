package eventhandler.sink;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tells a refusal about particular events (poison) from a Fluentd that refuses everything (a wrong
 * {@code time_format}, tag or filter). The rule, one owner for the whole sink:
 *
 * <ul>
 *   <li>An event is dead-lettered only when Fluentd refused it alone in a request sent after
 *       Fluentd (the same host and port) had accepted another request that was itself sent after
 *       the event's batch was first refused. Fluentd demonstrably takes events, yet not this one.
 *   <li>Otherwise the events are held: kept, not advanced past, and sent again with backoff until
 *       Fluentd accepts them or the proof above appears.
 *   <li>A refused batch is split in halves to find the events at fault while there is such proof,
 *       or while that Fluentd has refused fewer than {@link #REFUSALS_IN_A_ROW} requests since it
 *       last accepted one: finding one poison event in 10,000 takes 15 refusals in a row, a Fluentd
 *       that refuses everything refuses far more. Past that, refused batches are held whole, so a
 *       broken Fluentd costs a few dozen requests, not two per event.
 *   <li>At most {@code limit} dead letters per {@link #WINDOW} (the whole sink): beyond it events
 *       are held instead, so a refusal about many events drains at most that many.
 * </ul>
 *
 * <p>Time here is a counter, not a clock: "sent after" and "accepted before" must hold for the
 * order of events in this process, which a wall clock cannot promise at millisecond resolution.
 */
final class RefusalJudge {
  static final Duration WINDOW = Duration.ofMinutes(10);
  static final int REFUSALS_IN_A_ROW = 32;

  /** What to do with a refused range of events. */
  enum Decision {
    /** Send each half on its own to find the events at fault. */
    SPLIT,
    /** Write the one event to the dead-letter file and go on. */
    DEAD_LETTER,
    /** Not proven to be about these events (or over the limit): keep them and probe again. */
    HOLD
  }

  private final AtomicLong ticks = new AtomicLong();
  private final Map<HttpTarget, AtomicLong> lastAccepted = new ConcurrentHashMap<>();
  private final Map<HttpTarget, AtomicLong> refusalsInARow = new ConcurrentHashMap<>();
  private final boolean holds;
  private final int limit;
  private final Clock clock;
  private final ArrayDeque<Instant> recent = new ArrayDeque<>();

  /**
   * @param holds false for {@code dead-letters replay}: every refusal is final and nothing waits
   * @param limit dead letters per window; 0 holds every refusal
   */
  RefusalJudge(boolean holds, int limit, Clock clock) {
    this.holds = holds;
    this.limit = limit;
    this.clock = clock;
  }

  /** The next point of this process's order of sends and answers. */
  long tick() {
    return ticks.incrementAndGet();
  }

  /** The tick of the latest answer from {@code target} that accepted a request, or 0. */
  long lastAccepted(HttpTarget target) {
    AtomicLong last = lastAccepted.get(target);
    return last == null ? 0 : last.get();
  }

  void accepted(HttpTarget target) {
    long now = tick();
    lastAccepted.computeIfAbsent(target, key -> new AtomicLong()).accumulateAndGet(now, Math::max);
  }

  /**
   * @param target the Fluentd that refused
   * @param events how many events the refused request held
   * @param refusedAt the tick of the first refusal of these events (or of their batch)
   * @param proofAtSend {@link #lastAccepted} when the refused request was sent
   */
  Decision decide(HttpTarget target, int events, long refusedAt, long proofAtSend) {
    long inARow = refusalsInARow.computeIfAbsent(target, key -> new AtomicLong()).incrementAndGet();
    boolean proven = !holds || proofAtSend > refusedAt;
    if (events > 1) {
      return proven || inARow <= REFUSALS_IN_A_ROW ? Decision.SPLIT : Decision.HOLD;
    }
    return proven && takeDeadLetter() ? Decision.DEAD_LETTER : Decision.HOLD;
  }

  /** Whether the limit stops dead letters now (for the reason given while events are held). */
  synchronized boolean limitReached() {
    evict(clock.instant());
    return holds && recent.size() >= limit;
  }

  int limit() {
    return limit;
  }

  private synchronized boolean takeDeadLetter() {
    if (!holds) {
      return true;
    }
    Instant now = clock.instant();
    evict(now);
    if (recent.size() >= limit) {
      return false;
    }
    recent.addLast(now);
    return true;
  }

  private void evict(Instant now) {
    Instant oldest = now.minus(WINDOW);
    while (!recent.isEmpty() && !recent.peekFirst().isAfter(oldest)) {
      recent.removeFirst();
    }
  }
}
