package eventhandler.sim.data;

import java.util.ArrayList;
import java.util.List;

/**
 * When each audit event happened. The generated events are spread evenly over {@code [from, to)},
 * ascending with their index, so a time is computed, never stored; events appended while the
 * cluster runs ("live" events) come after them in batches that share one time. Times only grow with
 * the index, which lets a time range be turned into an index range by binary search.
 */
final class EventTimeline {
  /** Events appended together: indexes {@code [firstIndex, firstIndex + count)}, one time. */
  record LiveBatch(long firstIndex, long count, long timeMillis) {
    long endIndex() {
      return firstIndex + count;
    }
  }

  private final long fromMillis;
  private final long spanMillis;
  private final long baseCount;
  private volatile List<LiveBatch> live = List.of();

  EventTimeline(long fromMillis, long toMillis, long baseCount) {
    if (toMillis < fromMillis) {
      throw new IllegalArgumentException("the time range ends before it starts");
    }
    if (baseCount < 0) {
      throw new IllegalArgumentException("the event count must not be negative");
    }
    this.fromMillis = fromMillis;
    this.spanMillis = toMillis - fromMillis;
    this.baseCount = baseCount;
  }

  long baseCount() {
    return baseCount;
  }

  /** All events so far, generated and live. */
  long count() {
    List<LiveBatch> batches = live;
    return batches.isEmpty() ? baseCount : batches.get(batches.size() - 1).endIndex();
  }

  long timeMillis(long index) {
    if (index < baseCount) {
      // Double arithmetic keeps the product from overflowing and stays monotonic in the index.
      return fromMillis + (long) ((double) index * spanMillis / baseCount);
    }
    List<LiveBatch> batches = live;
    int lo = 0;
    int hi = batches.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      LiveBatch batch = batches.get(mid);
      if (index < batch.firstIndex()) {
        hi = mid - 1;
      } else if (index >= batch.endIndex()) {
        lo = mid + 1;
      } else {
        return batch.timeMillis();
      }
    }
    throw new IndexOutOfBoundsException("no audit event with index " + index);
  }

  /** The first index whose time is at or after {@code millis}; {@link #count()} if none. */
  long firstIndexAtOrAfter(long millis) {
    return search(millis, count());
  }

  /** Like {@link #firstIndexAtOrAfter} among the generated events only. */
  long firstBaseIndexAtOrAfter(long millis) {
    return search(millis, baseCount);
  }

  private long search(long millis, long end) {
    long lo = 0;
    long hi = end;
    while (lo < hi) {
      long mid = (lo + hi) >>> 1;
      if (timeMillis(mid) < millis) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * Appends {@code count} events at {@code nowMillis}, or at the latest existing time if that is
   * later, so times keep ascending with the index.
   */
  synchronized LiveBatch append(long count, long nowMillis) {
    if (count <= 0) {
      throw new IllegalArgumentException("count must be positive: " + count);
    }
    long total = count();
    long latest = total == 0 ? Long.MIN_VALUE : timeMillis(total - 1);
    LiveBatch batch = new LiveBatch(total, count, Math.max(nowMillis, latest));
    List<LiveBatch> next = new ArrayList<>(live);
    next.add(batch);
    live = List.copyOf(next);
    return batch;
  }

  List<LiveBatch> liveBatches() {
    return live;
  }
}
