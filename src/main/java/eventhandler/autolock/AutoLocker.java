package eventhandler.autolock;

import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import eventhandler.event.EventJson;
import eventhandler.teleport.proto.types.LockSpecV2;
import eventhandler.teleport.proto.types.LockTarget;
import eventhandler.teleport.proto.types.LockV2;
import eventhandler.teleport.proto.types.Metadata;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The auto-lock feature ({@code --lock-enabled}): locks a user in Teleport after too many failed
 * logins.
 *
 * <p>A failed login is a {@code user.login} event whose {@code success} is not {@code true} (as in
 * the Go plugin, a missing {@code success} counts as a failure). Failures are counted per user by
 * the time they happened (the event's time), in a sliding window of {@code --lock-period}: when
 * more than {@code --lock-failed-attempts-count} (N) of a user's failures lie within one period,
 * the user is locked. Counting by event time matters when the export catches up on a backlog: the
 * Go plugin counts by the time it reads events, so replaying days of history in a minute would lock
 * every user with more than N failures in all those days. Events may arrive out of time order (bulk
 * export reads a day's chunks in parallel), so failures are kept for {@link
 * FailureCount#OUT_OF_ORDER_TOLERANCE} and counted together whatever order they arrive in. The Go
 * plugin also keys its count by the event's {@code login} field, which is empty in {@code
 * user.login} events, so all users share one count there and one user's typos can lock another;
 * here each user has their own.
 *
 * <p>The lock is named {@code event-handler-auto-lock-<user>-<login>}, targets {@code {User: user,
 * Login: login}} and expires {@code --lock-for} after it is written (never when {@code --lock-for}
 * is 0). While a lock this program wrote is in force, further failures of that user do not write it
 * again (the Go plugin upserts it on every further failure, with a log line each time); once it has
 * expired, the next failure that still breaks the limit locks the user again. So a lock an
 * administrator removed is written again only after the {@code --lock-for} it had (or, for a lock
 * without expiry, after a restart). Events with no {@code user} are counted but never lock anything
 * (Teleport would reject a lock with an empty target). Memory holds only users with a failure
 * within that tolerance of the newest one, and at most {@link FailureCount#MAX_KEPT} failures per
 * user.
 *
 * <p>Upserts run on the given executor, so a slow or failing Teleport never stalls the event flow.
 * A failed upsert is retried with exponential backoff ({@link RetryPolicy}, in {@link
 * LockUpserts}); when the retries run out the error is logged with what to do and counted, and the
 * next failure tries again. Upserts of the same lock are coalesced: while one is pending, a newer
 * one only replaces what will be written. Not used under {@code --dry-run}, where the Go plugin
 * does not lock either.
 */
public final class AutoLocker {
  static final String LOCK_NAME_PREFIX = "event-handler-auto-lock-";
  static final String LOCK_MESSAGE = "User is locked due to too many failed login attempts";
  static final String LOGIN_EVENT_TYPE = "user.login";

  private static final Logger log = LoggerFactory.getLogger(AutoLocker.class);

  /** {@code --lock-failed-attempts-count}, {@code --lock-period}, {@code --lock-for}. */
  public record Settings(int failedAttempts, Duration period, Duration lockFor) {
    public static final Settings DEFAULT = new Settings(3, Duration.ofMinutes(1), Duration.ZERO);

    public Settings {
      if (failedAttempts < 1) {
        throw new IllegalArgumentException(
            "--lock-failed-attempts-count must be at least 1, got " + failedAttempts);
      }
      if (period.isNegative() || period.isZero()) {
        throw new IllegalArgumentException("--lock-period must be positive, got " + period);
      }
      if (lockFor.isNegative()) {
        throw new IllegalArgumentException("--lock-for must not be negative, got " + lockFor);
      }
    }
  }

  private record FailedLogin(String user, String login, String clusterName) {}

  private final Settings settings;
  private final Clock clock;
  private final FailureCount failures;
  private final LockUpserts upserts;

  /** Locks written, by name, until when they are in force (processing time). */
  private final Map<String, Instant> lockedUntil = new ConcurrentHashMap<>();

  private volatile Instant nextLockSweep = Instant.MIN;

  private final Counter failedLogins;
  private final Counter failedLoginsWithoutUser;
  private final Counter failuresWhileLocked;

  public AutoLocker(
      Settings settings,
      LockWriter writer,
      Clock clock,
      ScheduledExecutorService executor,
      MeterRegistry registry) {
    this(settings, RetryPolicy.DEFAULT, writer, clock, executor, registry);
  }

  public AutoLocker(
      Settings settings,
      RetryPolicy retryPolicy,
      LockWriter writer,
      Clock clock,
      ScheduledExecutorService executor,
      MeterRegistry registry) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.failures = new FailureCount(settings.failedAttempts(), settings.period());
    this.upserts =
        new LockUpserts(
            Objects.requireNonNull(retryPolicy, "retryPolicy"),
            Objects.requireNonNull(writer, "writer"),
            Objects.requireNonNull(executor, "executor"),
            lockedUntil::remove,
            registry);
    this.failedLogins =
        Counters.register(
            registry,
            "eventhandler.autolock.failed.logins",
            "Failed user.login events seen by the auto-locker");
    this.failedLoginsWithoutUser =
        Counters.register(
            registry,
            "eventhandler.autolock.failed.logins.without.user",
            "Failed user.login events with no user, which cannot be locked");
    this.failuresWhileLocked =
        Counters.register(
            registry,
            "eventhandler.autolock.failed.logins.while.locked",
            "Failed logins over the limit while the lock written for them is in force");
    Gauge.builder("eventhandler.autolock.tracked.users", this, AutoLocker::trackedUsers)
        .description("Users with a failed login in the current lock period")
        .register(registry);
  }

  /**
   * Looks at one audit event; only failed {@code user.login} events matter. Returns the lock this
   * event triggered (its upsert is already scheduled), if any. Never throws for lock errors.
   *
   * @param eventTime when the event happened (its {@code time})
   */
  public Optional<LockV2> onEvent(String eventType, Struct event, Instant eventTime) {
    if (!LOGIN_EVENT_TYPE.equals(eventType)
        || EventJson.fieldBool(event, "success").orElse(false)) {
      return Optional.empty();
    }
    failedLogins.increment();
    FailedLogin failure =
        new FailedLogin(
            EventJson.fieldString(event, "user").orElse(""),
            EventJson.fieldString(event, "login").orElse(""),
            EventJson.fieldString(event, "cluster_name").orElse(""));
    if (failure.user().isEmpty()) {
      failedLoginsWithoutUser.increment();
      log.debug("Ignoring a failed login without a user for auto-lock");
      return Optional.empty();
    }
    if (!failures.countAndCheck(failure.user(), eventTime)) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    LockV2 lock = lockFor(failure, now);
    String name = lock.getMetadata().getName();
    if (!claimLock(name, now)) {
      failuresWhileLocked.increment();
      log.debug("User '{}' failed to log in again; lock '{}' is in force", failure.user(), name);
      return Optional.empty();
    }
    log.info(
        "User '{}' (cluster '{}') failed to log in more than {} times within {}; locking",
        failure.user(),
        failure.clusterName(),
        settings.failedAttempts(),
        text(settings.period()));
    upserts.schedule(lock);
    return Optional.of(lock);
  }

  /**
   * Whether {@code name} is to be written now: false while the lock written last is in force. Bulk
   * export hands events over from several threads, so checking and claiming is one step.
   */
  private boolean claimLock(String name, Instant now) {
    dropExpiredLocks(now);
    Instant until = settings.lockFor().isZero() ? Instant.MAX : now.plus(settings.lockFor());
    boolean[] claimed = {false};
    lockedUntil.compute(
        name,
        (key, inForceUntil) -> {
          if (inForceUntil != null && now.isBefore(inForceUntil)) {
            return inForceUntil;
          }
          claimed[0] = true;
          return until;
        });
    return claimed[0];
  }

  /** Users with a failure recent enough to count (for the gauge and tests). */
  public int trackedUsers() {
    return failures.trackedUsers();
  }

  /** Drops locks no longer in force, now and then, so the map stays small. */
  private void dropExpiredLocks(Instant now) {
    if (now.isAfter(nextLockSweep)) {
      lockedUntil.values().removeIf(until -> !now.isBefore(until));
      nextLockSweep = now.plus(settings.period());
    }
  }

  private LockV2 lockFor(FailedLogin failure, Instant now) {
    LockSpecV2.Builder spec =
        LockSpecV2.newBuilder()
            .setTarget(LockTarget.newBuilder().setUser(failure.user()).setLogin(failure.login()))
            .setMessage(LOCK_MESSAGE);
    if (!settings.lockFor().isZero()) {
      Instant expires = now.plus(settings.lockFor());
      spec.setExpires(
          Timestamp.newBuilder().setSeconds(expires.getEpochSecond()).setNanos(expires.getNano()));
    }
    return LockV2.newBuilder()
        .setKind("lock")
        .setVersion("v2")
        .setMetadata(
            Metadata.newBuilder()
                .setName(LOCK_NAME_PREFIX + failure.user() + "-" + failure.login()))
        .setSpec(spec)
        .build();
  }

  /** {@code 1m}, {@code 0.5s}, {@code 2h30m}: shorter than ISO-8601 and close to Go's text. */
  static String text(Duration duration) {
    return duration.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
  }
}
