package eventhandler.sink;

import eventhandler.logging.Counted;
import eventhandler.sink.ExchangeResult.Failure;
import io.netty.channel.EventLoop;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code send}: one request, or after a refusal its parts one after another. Retries what
 * Fluentd could not take now; asks {@link RefusalJudge} what a refusal means: split, dead-letter,
 * or hold (keep the events aside, try the rest of the send, and when nothing is left but held
 * events, send them again together after a backoff until Fluentd accepts them or proves them bad).
 */
final class Delivery {
  private static final Logger log = LoggerFactory.getLogger(FluentdSink.class);

  /** Records {@code [from, to)} of the send, with when they (or their batch) were first refused. */
  private static final class Range {
    final int from;
    final int to;
    long refusedAt;
    long proofAtSend;

    Range(int from, int to, long refusedAt) {
      this.from = from;
      this.to = to;
      this.refusedAt = refusedAt;
    }

    int events() {
      return to - from;
    }
  }

  final CompletableFuture<DeliveryReport> future = new CompletableFuture<>();
  private final SinkParts parts;
  private final URI url;
  private final HttpTarget target;
  private final String pathAndQuery;
  private final ConnectionPool pool;
  private final List<byte[]> records;
  private final EventLoop loop;
  private final ArrayDeque<Range> ranges = new ArrayDeque<>();

  /** Refused, not proven to be at fault: tried again once Fluentd accepted something. */
  private final List<Range> aside = new ArrayList<>();

  private int delivered;
  private int deadLettered;
  private int requests;
  private int retries;
  private int failuresInARow;
  private ExchangeResult lastRefusal;

  Delivery(SinkParts parts, URI url, ConnectionPool pool, List<byte[]> records, EventLoop loop) {
    this.parts = parts;
    this.url = url;
    this.target = HttpTarget.of(url);
    this.pathAndQuery = HttpTarget.pathAndQuery(url);
    this.pool = pool;
    this.records = records;
    this.loop = loop;
    ranges.addLast(new Range(0, records.size(), 0));
  }

  /** Sends the first remaining range; holds what is set aside when nothing else is left. */
  void next() {
    if (parts.closed()) {
      fail();
      return;
    }
    Range range = ranges.peekFirst();
    if (range == null && !aside.isEmpty()) {
      holdAside();
      return;
    }
    if (range == null) {
      parts.pending.remove(this);
      parts.holds.release(this);
      future.complete(new DeliveryReport(delivered, deadLettered, requests, retries));
      return;
    }
    requests++;
    range.proofAtSend = parts.judge.lastAccepted(target);
    pool.execute(
        new Exchange(
            pathAndQuery,
            records,
            range.from,
            range.to,
            !parts.config.bareObjects(),
            this::onResult));
  }

  void fail() {
    parts.pending.remove(this);
    parts.holds.release(this);
    future.completeExceptionally(new SinkClosedException());
  }

  private void onResult(ExchangeResult result) {
    try {
      handle(result);
    } catch (RuntimeException e) {
      if (parts.closed()) {
        fail();
      } else {
        log.error("Fluentd delivery failed unexpectedly; please report this", e);
        parts.pending.remove(this);
        parts.holds.release(this);
        future.completeExceptionally(e);
      }
    }
  }

  private void handle(ExchangeResult result) {
    if (parts.closed() || result.failure() == Failure.SINK_CLOSED) {
      fail();
      return;
    }
    if (result.failure() == Failure.STALE) {
      parts.metrics.staleReconnects.increment();
      log.debug("Fluentd at {} had closed an idle connection; sending again", pool);
      requests--; // the same request again, not a new one
      next();
      return;
    }
    Range range = ranges.peekFirst();
    if (!result.hasResponse()) {
      parts.metrics.requestsFailedConnection.increment();
      retryLater(result, result.failure().name().toLowerCase(Locale.ROOT));
      return;
    }
    switch (FluentdVerdict.of(result.status(), result.responseBody())) {
      case ACCEPTED -> accepted(range);
      case REFUSED -> refused(range, result);
      case RETRY -> {
        parts.metrics.requestsFailedStatus.increment();
        retryLater(result, "status_" + result.status());
      }
    }
  }

  private void accepted(Range range) {
    parts.metrics.requestsAccepted.increment();
    parts.metrics.eventsDelivered.increment(range.events());
    parts.judge.accepted(target);
    parts.holds.release(this);
    delivered += range.events();
    ranges.removeFirst();
    succeeded();
    // Fluentd takes events again: what was set aside goes next, now with the proof to judge it.
    for (int i = aside.size() - 1; i >= 0; i--) {
      ranges.addFirst(aside.get(i));
    }
    aside.clear();
    next();
  }

  private void refused(Range range, ExchangeResult result) {
    parts.metrics.requestsRefused.increment();
    // Fluentd is up and answering; the backoff of a hold keeps growing, though.
    if (parts.recordSuccess()) {
      log.info("Fluentd at {} answers again", target);
    }
    if (range.refusedAt == 0) {
      range.refusedAt = parts.judge.tick();
    }
    lastRefusal = result;
    switch (parts.judge.decide(target, range.events(), range.refusedAt, range.proofAtSend)) {
      case SPLIT -> {
        ranges.removeFirst();
        int middle = range.from + range.events() / 2;
        ranges.addFirst(new Range(middle, range.to, range.refusedAt));
        ranges.addFirst(new Range(range.from, middle, range.refusedAt));
        next();
      }
      case DEAD_LETTER -> writeRefused(range, result);
      case HOLD -> {
        ranges.removeFirst();
        aside.add(range); // the rest of the send goes first: its answer is the proof
        next();
      }
    }
  }

  /**
   * Nothing is left but events set aside: they go back together, as few ranges as possible, and the
   * first is sent again after a backoff.
   */
  private void holdAside() {
    Range merged = null;
    List<Range> together = new ArrayList<>();
    for (Range range : aside) {
      if (merged != null && merged.to == range.from) {
        merged = new Range(merged.from, range.to, Math.max(merged.refusedAt, range.refusedAt));
        together.set(together.size() - 1, merged);
      } else {
        merged = new Range(range.from, range.to, range.refusedAt);
        together.add(merged);
      }
    }
    aside.clear();
    ranges.addAll(together);
    long events = together.stream().mapToLong(Range::events).sum();
    parts.holds.hold(
        this,
        url.toString(),
        lastRefusal.status(),
        lastRefusal.responseBody(),
        parts.judge.limitReached(),
        events);
    failuresInARow++;
    schedule(this::next, parts.backoff.delayNanos(failuresInARow));
  }

  private void succeeded() {
    failuresInARow = 0;
    if (parts.recordSuccess()) {
      log.info("Fluentd at {} accepts requests again", target);
    }
  }

  private void retryLater(ExchangeResult result, String cause) {
    retries++;
    failuresInARow++;
    parts.metrics.retries(cause).increment();
    String error = result.describe();
    long failures = parts.recordFailure(error);
    long delay = parts.backoff.delayNanos(failuresInARow);
    if (result.retryAfter() != null) {
      // Whoever answered (often a proxy in front of Fluentd) said how long to wait.
      delay = Math.max(delay, result.retryAfter().toNanos());
    }
    parts.warnings.warn(
        cause,
        "Fluentd request to "
            + target
            + " failed ("
            + error
            + RetryAdvice.of(result)
            + "); retrying in "
            + TimeUnit.NANOSECONDS.toMillis(delay)
            + " ms, events are kept ("
            + Counted.of(failures, "failed request", "failed requests in a row")
            + ")");
    schedule(this::next, delay);
  }

  private void writeRefused(Range range, ExchangeResult result) {
    boolean accepted =
        parts.refusals.write(
            url,
            records.get(range.from),
            result,
            () -> {
              parts.metrics.deadLetters.increment();
              execute(
                  () -> {
                    deadLettered++;
                    ranges.removeFirst();
                    parts.holds.release(this);
                    next();
                  });
            },
            this::schedule,
            parts.backoff.delayNanos(3));
    if (!accepted) {
      fail(); // closed meanwhile
    }
  }

  private void schedule(Runnable task, long delayNanos) {
    try {
      loop.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      fail();
    }
  }

  private void execute(Runnable task) {
    try {
      loop.execute(task);
    } catch (RejectedExecutionException e) {
      fail();
    }
  }
}
