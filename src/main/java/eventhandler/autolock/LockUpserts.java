package eventhandler.autolock;

import com.google.protobuf.Timestamp;
import eventhandler.retry.RetryDelays;
import eventhandler.teleport.proto.types.LockV2;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes locks to Teleport off the event flow: each upsert runs on the executor, a failed one is
 * retried by {@link RetryPolicy}, and when the retries run out the error says how to lock by hand.
 * Upserts of the same lock are coalesced: while one is pending, a newer one only replaces what will
 * be written.
 */
final class LockUpserts {
  /** The auto-locker's log, whichever of its parts writes. */
  private static final Logger log = LoggerFactory.getLogger(AutoLocker.class);

  private final RetryPolicy retryPolicy;
  private final LockWriter writer;
  private final ScheduledExecutorService executor;
  private final Consumer<String> givenUp;
  private final Map<String, LockV2> pendingLocks = new ConcurrentHashMap<>();
  private final Counter locksUpserted;
  private final Counter lockFailures;

  /**
   * @param givenUp told the name of a lock that could not be written, so that the next failure over
   *     the limit tries again
   */
  LockUpserts(
      RetryPolicy retryPolicy,
      LockWriter writer,
      ScheduledExecutorService executor,
      Consumer<String> givenUp,
      MeterRegistry registry) {
    this.retryPolicy = retryPolicy;
    this.writer = writer;
    this.executor = executor;
    this.givenUp = givenUp;
    this.locksUpserted =
        Counters.register(
            registry,
            "eventhandler.autolock.locks.upserted",
            "Locks created or refreshed in Teleport");
    this.lockFailures =
        Counters.register(
            registry,
            "eventhandler.autolock.locks.failed",
            "Locks that could not be written to Teleport after all retries");
  }

  void schedule(LockV2 lock) {
    String name = lock.getMetadata().getName();
    if (pendingLocks.put(name, lock) == null) {
      submit(name, retryPolicy.delays(), Duration.ZERO);
    }
    // else: an upsert of this lock is pending; it will write this newer version.
  }

  /**
   * The retry loop of every Teleport call, with the executor's schedule for the wait: a slow or
   * failing Teleport must not hold a thread of the scheduler that start's other timed tasks share.
   */
  private void submit(String name, RetryDelays delays, Duration delay) {
    try {
      executor.schedule(() -> attemptUpsert(name, delays), delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      LockV2 lock = pendingLocks.remove(name);
      givenUp.accept(name);
      lockFailures.increment();
      log.error(
          "Could not lock user '{}': shutting down. {}",
          lock == null ? name : lock.getSpec().getTarget().getUser(),
          manualLockHint(lock));
    }
  }

  private void attemptUpsert(String name, RetryDelays delays) {
    LockV2 lock = pendingLocks.get(name);
    if (lock == null) {
      return;
    }
    try {
      writer.upsert(lock);
      locksUpserted.increment();
      log.info(
          "Locked user '{}' with lock '{}'{}",
          lock.getSpec().getTarget().getUser(),
          name,
          lock.getSpec().hasExpires()
              ? " until " + toInstant(lock.getSpec().getExpires())
              : " with no expiry");
      finish(name, lock);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      int attempt = delays.failures() + 1;
      if (retryPolicy.allowsAnotherAfter(delays)) {
        Duration delay = delays.next();
        log.warn(
            "Could not write lock '{}' to Teleport (attempt {} of {}), trying again in {}: {}",
            name,
            attempt,
            retryPolicy.attempts(),
            text(delay),
            e.toString());
        submit(name, delays, delay);
        return;
      }
      lockFailures.increment();
      givenUp.accept(name); // the next failure over the limit tries again
      log.error(
          "Could not write lock '{}' to Teleport after {} attempts: {}. The user is NOT locked. {}",
          name,
          attempt,
          e.toString(),
          manualLockHint(lock));
      finish(name, lock);
    }
  }

  /** Done with {@code lock}; if a newer version arrived meanwhile, write that one too. */
  private void finish(String name, LockV2 lock) {
    if (!pendingLocks.remove(name, lock) && pendingLocks.containsKey(name)) {
      submit(name, retryPolicy.delays(), Duration.ZERO);
    }
  }

  private static String manualLockHint(LockV2 lock) {
    if (lock == null) {
      return "";
    }
    return "To lock by hand: tctl lock --user='"
        + lock.getSpec().getTarget().getUser()
        + "' --message='"
        + AutoLocker.LOCK_MESSAGE
        + "'";
  }

  private static String text(Duration duration) {
    return AutoLocker.text(duration);
  }

  private static Instant toInstant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }
}
