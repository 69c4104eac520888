package eventhandler.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import eventhandler.teleport.proto.types.LockV2;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AutoLockerTest {
  private static final Instant T0 = Instant.parse("2024-10-16T10:00:00Z");
  private static final AutoLocker.RetryPolicy FAST_RETRIES =
      new AutoLocker.RetryPolicy(3, Duration.ofMillis(5), Duration.ofMillis(20));

  private final MutableClock clock = new MutableClock(T0);
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<LockV2> written = new CopyOnWriteArrayList<>();

  @AfterEach
  void stopExecutor() throws InterruptedException {
    executor.shutdownNow();
    assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void nFailuresWithinThePeriodDoNotLock() {
    AutoLocker locker = locker(AutoLocker.Settings.DEFAULT, written::add);

    for (int i = 0; i < 3; i++) {
      assertThat(locker.onEvent("user.login", failedLogin("alice", ""))).isEmpty();
      clock.advance(Duration.ofSeconds(10));
    }

    assertThat(counter("eventhandler.autolock.failed.logins")).isEqualTo(3);
    assertThat(written).isEmpty();
  }

  @Test
  void theNPlusFirstFailureLocksWithTheGoPluginsLock() {
    AutoLocker locker =
        locker(
            new AutoLocker.Settings(3, Duration.ofMinutes(1), Duration.ofHours(2)), written::add);
    for (int i = 0; i < 3; i++) {
      locker.onEvent("user.login", failedLogin("alice", "root"));
      clock.advance(Duration.ofSeconds(5));
    }

    Optional<LockV2> lock = locker.onEvent("user.login", failedLogin("alice", "root"));

    assertThat(lock).isPresent();
    LockV2 expected =
        LockV2.newBuilder()
            .setKind("lock")
            .setVersion("v2")
            .setMetadata(
                eventhandler.teleport.proto.types.Metadata.newBuilder()
                    .setName("event-handler-auto-lock-alice-root"))
            .setSpec(
                eventhandler.teleport.proto.types.LockSpecV2.newBuilder()
                    .setTarget(
                        eventhandler.teleport.proto.types.LockTarget.newBuilder()
                            .setUser("alice")
                            .setLogin("root"))
                    .setMessage("User is locked due to too many failed login attempts")
                    .setExpires(timestamp(T0.plusSeconds(15).plus(Duration.ofHours(2)))))
            .build();
    assertThat(lock.get()).isEqualTo(expected);
    await().atMost(Duration.ofSeconds(5)).until(() -> written.size() == 1);
    assertThat(written.get(0)).isEqualTo(expected);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> counter("eventhandler.autolock.locks.upserted") == 1);
  }

  @Test
  void eachFurtherFailureUpsertsTheSameLockAgain() {
    AutoLocker locker =
        locker(new AutoLocker.Settings(1, Duration.ofMinutes(1), Duration.ZERO), written::add);
    locker.onEvent("user.login", failedLogin("alice", ""));

    locker.onEvent("user.login", failedLogin("alice", ""));
    await().atMost(Duration.ofSeconds(5)).until(() -> written.size() == 1);
    locker.onEvent("user.login", failedLogin("alice", ""));
    await().atMost(Duration.ofSeconds(5)).until(() -> written.size() == 2);

    assertThat(written)
        .extracting(lock -> lock.getMetadata().getName())
        .containsExactly("event-handler-auto-lock-alice-", "event-handler-auto-lock-alice-");
  }

  @Test
  void countsFailuresPerUser() {
    AutoLocker locker = locker(AutoLocker.Settings.DEFAULT, written::add);

    for (int i = 0; i < 3; i++) {
      assertThat(locker.onEvent("user.login", failedLogin("alice", ""))).isEmpty();
      assertThat(locker.onEvent("user.login", failedLogin("bob", ""))).isEmpty();
    }
    Optional<LockV2> bobLock = locker.onEvent("user.login", failedLogin("bob", ""));

    assertThat(bobLock).isPresent();
    assertThat(bobLock.get().getSpec().getTarget().getUser()).isEqualTo("bob");
    await().atMost(Duration.ofSeconds(5)).until(() -> written.size() == 1);
    assertThat(written.get(0).getSpec().getTarget().getUser()).isEqualTo("bob");
  }

  @Test
  void aNewPeriodStartsAfterTheWindowEnds() {
    AutoLocker locker = locker(AutoLocker.Settings.DEFAULT, written::add);
    for (int i = 0; i < 3; i++) {
      locker.onEvent("user.login", failedLogin("alice", ""));
    }
    clock.advance(Duration.ofSeconds(59));
    assertThat(locker.onEvent("user.login", failedLogin("alice", "")))
        .as("4th failure 59 s after the first, still inside the period")
        .isPresent();

    clock.advance(Duration.ofSeconds(1)); // the window opened at T0 has ended
    for (int i = 0; i < 3; i++) {
      assertThat(locker.onEvent("user.login", failedLogin("alice", ""))).isEmpty();
    }
    assertThat(locker.onEvent("user.login", failedLogin("alice", ""))).isPresent();
  }

  @Test
  void lockForZeroMeansNoExpiry() {
    AutoLocker locker =
        locker(new AutoLocker.Settings(1, Duration.ofMinutes(1), Duration.ZERO), written::add);
    locker.onEvent("user.login", failedLogin("alice", ""));

    Optional<LockV2> lock = locker.onEvent("user.login", failedLogin("alice", ""));

    assertThat(lock).isPresent();
    assertThat(lock.get().getSpec().hasExpires()).isFalse();
    assertThat(lock.get().getMetadata().hasExpires()).isFalse();
  }

  @Test
  void ignoresSuccessfulLoginsAndOtherEvents() {
    AutoLocker locker =
        locker(new AutoLocker.Settings(1, Duration.ofMinutes(1), Duration.ZERO), written::add);

    for (int i = 0; i < 5; i++) {
      assertThat(locker.onEvent("user.login", login("alice", "", true))).isEmpty();
      assertThat(locker.onEvent("session.start", failedLogin("alice", ""))).isEmpty();
    }

    assertThat(counter("eventhandler.autolock.failed.logins")).isZero();
    assertThat(locker.trackedUsers()).isZero();
  }

  @Test
  void aFailedLoginWithoutUserNeverLocks() {
    AutoLocker locker =
        locker(new AutoLocker.Settings(1, Duration.ofMinutes(1), Duration.ZERO), written::add);

    for (int i = 0; i < 5; i++) {
      assertThat(locker.onEvent("user.login", failedLogin("", ""))).isEmpty();
    }

    assertThat(counter("eventhandler.autolock.failed.logins")).isEqualTo(5);
    assertThat(counter("eventhandler.autolock.failed.logins.without.user")).isEqualTo(5);
  }

  @Test
  void forgetsUsersWhoseWindowEnded() {
    AutoLocker locker = locker(AutoLocker.Settings.DEFAULT, written::add);
    for (int i = 0; i < 1000; i++) {
      locker.onEvent("user.login", failedLogin("user-" + i, ""));
    }
    assertThat(locker.trackedUsers()).isEqualTo(1000);

    clock.advance(Duration.ofMinutes(1));
    locker.onEvent("user.login", failedLogin("latecomer", ""));

    assertThat(locker.trackedUsers()).isEqualTo(1);
    assertThat(registry.get("eventhandler.autolock.tracked.users").gauge().value()).isEqualTo(1);
  }

  @Test
  void aFailedUpsertIsRetriedWithoutBlockingTheEventFlow() {
    AtomicInteger calls = new AtomicInteger();
    AutoLocker locker =
        locker(
            new AutoLocker.Settings(1, Duration.ofMinutes(1), Duration.ZERO),
            lock -> {
              if (calls.incrementAndGet() < 3) {
                throw new IllegalStateException("connection refused");
              }
              written.add(lock);
            });
    locker.onEvent("user.login", failedLogin("alice", ""));

    assertThat(locker.onEvent("user.login", failedLogin("alice", ""))).isPresent();

    await().atMost(Duration.ofSeconds(5)).until(() -> written.size() == 1);
    assertThat(calls).hasValue(3);
    assertThat(counter("eventhandler.autolock.locks.upserted")).isEqualTo(1);
    assertThat(counter("eventhandler.autolock.locks.failed")).isZero();
  }

  @Test
  void givesUpAfterTheLastRetryAndCountsIt() {
    AtomicInteger calls = new AtomicInteger();
    AutoLocker locker =
        locker(
            new AutoLocker.Settings(1, Duration.ofMinutes(1), Duration.ZERO),
            lock -> {
              calls.incrementAndGet();
              throw new IllegalStateException("access denied");
            });
    locker.onEvent("user.login", failedLogin("alice", ""));

    locker.onEvent("user.login", failedLogin("alice", ""));

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> counter("eventhandler.autolock.locks.failed") == 1);
    assertThat(calls).hasValue(3);
    assertThat(counter("eventhandler.autolock.locks.upserted")).isZero();
  }

  @Test
  void upsertsOfTheSameLockAreCoalescedWhileOneIsInFlight() throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    AutoLocker locker =
        locker(
            new AutoLocker.Settings(1, Duration.ofMinutes(1), Duration.ofMinutes(10)),
            lock -> {
              entered.countDown();
              release.await();
              written.add(lock);
            });
    locker.onEvent("user.login", failedLogin("alice", ""));
    locker.onEvent("user.login", failedLogin("alice", "")); // lock #1, in flight
    assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
    for (int i = 1; i <= 10; i++) {
      clock.advance(Duration.ofSeconds(1));
      locker.onEvent("user.login", failedLogin("alice", ""));
    }

    release.countDown();

    await().atMost(Duration.ofSeconds(5)).until(() -> written.size() == 2);
    assertThat(written.get(1).getSpec().getExpires())
        .as("the second write carries the newest expiry")
        .isEqualTo(timestamp(T0.plusSeconds(10).plus(Duration.ofMinutes(10))));
    assertThat(counter("eventhandler.autolock.locks.upserted")).isEqualTo(2);
  }

  private AutoLocker locker(AutoLocker.Settings settings, LockWriter writer) {
    return new AutoLocker(settings, FAST_RETRIES, writer, clock, executor, registry);
  }

  private double counter(String name) {
    return registry.get(name).counter().count();
  }

  private static Struct failedLogin(String user, String login) {
    return login(user, login, false);
  }

  private static Struct login(String user, String login, boolean success) {
    Struct.Builder event =
        Struct.newBuilder()
            .putFields("event", string("user.login"))
            .putFields("code", string(success ? "T1000I" : "T1000W"))
            .putFields("cluster_name", string("example.com"))
            .putFields("success", Value.newBuilder().setBoolValue(success).build())
            .putFields("ei", Value.newBuilder().setNumberValue(0).build());
    if (!user.isEmpty()) {
      event.putFields("user", string(user));
    }
    if (!login.isEmpty()) {
      event.putFields("login", string(login));
    }
    return event.build();
  }

  private static Value string(String value) {
    return Value.newBuilder().setStringValue(value).build();
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }

  /** A clock the test moves by hand. */
  private static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
