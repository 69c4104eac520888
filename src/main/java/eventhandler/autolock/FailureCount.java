package eventhandler.autolock;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts failed logins per user by event time, in a sliding window of {@code --lock-period}, and
 * says when a user breaks the limit. Failures may arrive out of time order for up to {@link
 * #OUT_OF_ORDER_TOLERANCE}; memory holds only users with a failure that recent, at most {@link
 * #MAX_KEPT} failures each. Thread-safe.
 */
final class FailureCount {
  /**
   * How far out of time order failures may arrive and still be counted together: bulk export reads
   * a day's chunks in parallel and polls the two previous days again for late events.
   */
  static final Duration OUT_OF_ORDER_TOLERANCE = Duration.ofDays(3);

  /** Failures kept per user at most (a brute-force attack must not fill the memory). */
  static final int MAX_KEPT = 10_000;

  /** One user's recent failure times, sorted. */
  private static final class FailureTimes {
    final List<Instant> times = new ArrayList<>();

    Instant newest() {
      return times.get(times.size() - 1);
    }

    /**
     * Adds {@code time}; returns whether more than {@code allowed} failures, {@code time} among
     * them, lie within less than {@code period} of each other. Keeps the failures within {@code
     * horizon} of the newest, at most {@link #MAX_KEPT}.
     */
    boolean addAndCheck(Instant time, int allowed, Duration period, Duration horizon) {
      int at = insertionPoint(time);
      times.add(at, time);
      Instant oldestKept = newest().minus(horizon);
      int drop = Math.max(insertionPoint(oldestKept), times.size() - MAX_KEPT);
      if (drop > 0) {
        times.subList(0, Math.min(drop, times.size())).clear();
        at -= drop;
        if (at < 0) {
          return false; // older than anything still kept
        }
      }
      // A window of allowed+1 failures, times[i..i+allowed], that includes the new one.
      for (int i = Math.max(0, at - allowed); i <= at && i + allowed < times.size(); i++) {
        if (times.get(i + allowed).isBefore(times.get(i).plus(period))) {
          return true;
        }
      }
      return false;
    }

    /** The index of the first failure at or after {@code time}. */
    private int insertionPoint(Instant time) {
      int lo = 0;
      int hi = times.size();
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (times.get(mid).isBefore(time)) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo;
    }
  }

  private final int allowed;
  private final Duration period;
  private final Map<String, FailureTimes> failures = new HashMap<>(); // guarded by this
  private Instant newestFailure = Instant.MIN; // guarded by this
  private Instant nextSweep = Instant.MIN; // guarded by this

  FailureCount(int allowed, Duration period) {
    this.allowed = allowed;
    this.period = period;
  }

  /** Counts a failure of {@code user} at {@code time}; returns whether it breaks the limit. */
  synchronized boolean countAndCheck(String user, Instant time) {
    if (time.isAfter(newestFailure)) {
      newestFailure = time;
    }
    sweep();
    return failures
        .computeIfAbsent(user, u -> new FailureTimes())
        .addAndCheck(time, allowed, period, horizon());
  }

  /** Users with a failure recent enough to count. */
  synchronized int trackedUsers() {
    return failures.size();
  }

  /** How long a failure is kept: a period, or the out-of-order tolerance if that is longer. */
  private Duration horizon() {
    return period.compareTo(OUT_OF_ORDER_TOLERANCE) > 0 ? period : OUT_OF_ORDER_TOLERANCE;
  }

  /**
   * Drops users with no failure within the horizon of the newest failure, at most once per period
   * of event time, so the cost stays small per event.
   */
  private void sweep() {
    if (newestFailure.isBefore(nextSweep)) {
      return;
    }
    Instant oldestKept = newestFailure.minus(horizon());
    failures.values().removeIf(user -> user.newest().isBefore(oldestKept));
    nextSweep = newestFailure.plus(period);
  }
}
