package eventhandler.autolock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import eventhandler.retry.RetryDelays;
import eventhandler.teleport.proto.types.LockV2;
import eventhandler.testing.CapturedLogs;
import eventhandler.testing.TestClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class AutoLockerTest {
  private static final Instant T0 = Instant.parse("2024-10-16T10:00:00Z");
  private static final RetryPolicy FAST_RETRIES =
      new RetryPolicy(3, Duration.ofMillis(5), Duration.ofMillis(20));

  private final TestClock clock = new TestClock(T0);
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
      assertThat(fail(locker, "alice", "", T0.plusSeconds(10 * i))).isEmpty();
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
      fail(locker, "alice", "root", T0.plusSeconds(5 * i));
    }
    clock.advance(Duration.ofSeconds(15));

    Optional<LockV2> lock = fail(locker, "alice", "root", T0.plusSeconds(15));

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
  void theExpiryCountsFromWhenTheLockIsWrittenNotFromTheEvent() {
    AutoLocker locker =
        locker(
            new AutoLocker.Settings(1, Duration.ofMinutes(1), Duration.ofHours(1)), written::add);
    Instant longAgo = T0.minus(Duration.ofDays(3));
    fail(locker, "alice", "", longAgo);

    Optional<LockV2> lock = fail(locker, "alice", "", longAgo.plusSeconds(1));

    assertThat(lock).isPresent();
    assertThat(lock.get().getSpec().getExpires())
        .isEqualTo(timestamp(T0.plus(Duration.ofHours(1))));
  }

  @Test
  void furtherFailuresWhileTheLockIsInForceDoNotWriteOrLogItAgain() {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    Logger logger = (Logger) LoggerFactory.getLogger(AutoLocker.class);
    logger.addAppender(logs);
    try {
      AutoLocker locker =
          locker(
              new AutoLocker.Settings(1, Duration.ofMinutes(1), Duration.ofMinutes(10)),
              written::add);
      fail(locker, "alice", "", T0);
      assertThat(fail(locker, "alice", "", T0.plusSeconds(1))).isPresent();
      for (int i = 2; i < 30; i++) {
        clock.advance(Duration.ofSeconds(10));
        assertThat(fail(locker, "alice", "", T0.plusSeconds(i))).isEmpty();
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> written.size() == 1);
      assertThat(counter("eventhandler.autolock.failed.logins.while.locked")).isEqualTo(28);

      // Once the lock has expired, failures that still break the limit lock again.
      clock.advance(Duration.ofMinutes(10));
      assertThat(fail(locker, "alice", "", T0.plusSeconds(30))).isPresent();
      await().atMost(Duration.ofSeconds(5)).until(() -> written.size() == 2);
      assertThat(written)
          .extracting(lock -> lock.getMetadata().getName())
          .containsOnly("event-handler-auto-lock-alice-");
      assertThat(logs.list)
          .filteredOn(event -> event.getLevel() == Level.INFO)
          .extracting(ILoggingEvent::getFormattedMessage)
          .filteredOn(message -> message.endsWith("; locking"))
          .hasSize(2);
    } finally {
      logger.detachAppender(logs);
    }
  }

  @Test
  void failuresFromSeveralThreadsAtOnceWriteOneLock() throws Exception {
    AutoLocker locker =
        locker(
            new AutoLocker.Settings(1, Duration.ofMinutes(1), Duration.ofMinutes(10)),
            written::add);
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(8);
    AtomicInteger triggered = new AtomicInteger();
    for (int t = 0; t < 8; t++) {
      threads.submit(
          () -> {
            go.await();
            for (int i = 0; i < 50; i++) {
              if (fail(locker, "alice", "", T0.plusMillis(i)).isPresent()) {
                triggered.incrementAndGet();
              }
            }
            return null;
          });
    }
    go.countDown();
    threads.shutdown();
    assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

    assertThat(triggered).hasValue(1);
    await().atMost(Duration.ofSeconds(5)).until(() -> written.size() == 1);
  }

  @Test
  void aLockWithoutExpiryIsWrittenOnce() {
    AutoLocker locker =
        locker(new AutoLocker.Settings(1, Duration.ofMinutes(1), Duration.ZERO), written::add);
    for (int i = 0; i < 100; i++) {
      clock.advance(Duration.ofMinutes(5));
      fail(locker, "alice", "", T0.plusSeconds(i));
    }

    await().atMost(Duration.ofSeconds(5)).until(() -> written.size() == 1);
    assertThat(counter("eventhandler.autolock.locks.upserted")).isEqualTo(1);
  }

  @Test
  void countsFailuresPerUser() {
    AutoLocker locker = locker(AutoLocker.Settings.DEFAULT, written::add);

    for (int i = 0; i < 3; i++) {
      assertThat(fail(locker, "alice", "", T0.plusSeconds(i))).isEmpty();
      assertThat(fail(locker, "bob", "", T0.plusSeconds(i))).isEmpty();
    }
    Optional<LockV2> bobLock = fail(locker, "bob", "", T0.plusSeconds(3));

    assertThat(bobLock).isPresent();
    assertThat(bobLock.get().getSpec().getTarget().getUser()).isEqualTo("bob");
    await().atMost(Duration.ofSeconds(5)).until(() -> written.size() == 1);
    assertThat(written.get(0).getSpec().getTarget().getUser()).isEqualTo("bob");
  }

  @Test
  void failuresCountWithinAPeriodOfEachOtherWhereverItStarts() {
    AutoLocker locker = locker(AutoLocker.Settings.DEFAULT, written::add);
    fail(locker, "alice", "", T0);
    fail(locker, "alice", "", T0.plusSeconds(30));
    fail(locker, "alice", "", T0.plusSeconds(50));
    assertThat(fail(locker, "alice", "", T0.plusSeconds(60)))
        .as("4 failures, but the first and the last are a whole period apart")
        .isEmpty();

    assertThat(fail(locker, "alice", "", T0.plusSeconds(75)))
        .as("30 s, 50 s, 60 s and 75 s lie within one minute")
        .isPresent();
  }

  @Test
  void aBacklogWithFailuresSpreadOverDaysLocksNobodyWhenReadInAMoment() {
    AutoLocker locker = locker(AutoLocker.Settings.DEFAULT, written::add);

    // The export catches up: 200 failures, two minutes apart, read at the same instant.
    for (int i = 0; i < 200; i++) {
      assertThat(fail(locker, "alice", "", T0.plus(Duration.ofMinutes(2L * i)))).isEmpty();
    }

    assertThat(written).isEmpty();
    assertThat(locker.trackedUsers()).isEqualTo(1);
  }

  @Test
  void failuresArrivingOutOfTimeOrderAreCountedByTheirTime() {
    AutoLocker locker = locker(AutoLocker.Settings.DEFAULT, written::add);
    assertThat(fail(locker, "alice", "", T0.plusSeconds(50))).isEmpty();
    assertThat(fail(locker, "alice", "", T0.plusSeconds(10))).isEmpty();
    assertThat(fail(locker, "alice", "", T0.minusSeconds(5))).isEmpty();
    assertThat(fail(locker, "alice", "", T0.plusSeconds(30))).isPresent();
  }

  @Test
  void lockForZeroMeansNoExpiry() {
    AutoLocker locker =
        locker(new AutoLocker.Settings(1, Duration.ofMinutes(1), Duration.ZERO), written::add);
    fail(locker, "alice", "", T0);

    Optional<LockV2> lock = fail(locker, "alice", "", T0);

    assertThat(lock).isPresent();
    assertThat(lock.get().getSpec().hasExpires()).isFalse();
    assertThat(lock.get().getMetadata().hasExpires()).isFalse();
  }

  @Test
  void ignoresSuccessfulLoginsAndOtherEvents() {
    AutoLocker locker =
        locker(new AutoLocker.Settings(1, Duration.ofMinutes(1), Duration.ZERO), written::add);

    for (int i = 0; i < 5; i++) {
      assertThat(locker.onEvent("user.login", login("alice", "", true), T0)).isEmpty();
      assertThat(locker.onEvent("session.start", failedLogin("alice", ""), T0)).isEmpty();
    }

    assertThat(counter("eventhandler.autolock.failed.logins")).isZero();
    assertThat(locker.trackedUsers()).isZero();
  }

  @Test
  void aFailedLoginWithoutUserNeverLocks() {
    AutoLocker locker =
        locker(new AutoLocker.Settings(1, Duration.ofMinutes(1), Duration.ZERO), written::add);

    for (int i = 0; i < 5; i++) {
      assertThat(fail(locker, "", "", T0)).isEmpty();
    }

    assertThat(counter("eventhandler.autolock.failed.logins")).isEqualTo(5);
    assertThat(counter("eventhandler.autolock.failed.logins.without.user")).isEqualTo(5);
  }

  @Test
  void failuresOfAParallelBulkExportCountTogetherHoursOutOfOrder() {
    AutoLocker locker = locker(AutoLocker.Settings.DEFAULT, written::add);
    // A later chunk of the day is read first.
    for (int i = 0; i < 3; i++) {
      assertThat(fail(locker, "alice", "", T0.plus(Duration.ofHours(20)).plusSeconds(i))).isEmpty();
    }
    for (int i = 0; i < 3; i++) {
      assertThat(fail(locker, "alice", "", T0.plusSeconds(i))).isEmpty();
    }

    assertThat(fail(locker, "alice", "", T0.plusSeconds(3))).isPresent();
  }

  @Test
  void forgetsUsersWithoutARecentFailure() {
    AutoLocker locker = locker(AutoLocker.Settings.DEFAULT, written::add);
    for (int i = 0; i < 1000; i++) {
      fail(locker, "user-" + i, "", T0);
    }
    assertThat(locker.trackedUsers()).isEqualTo(1000);

    fail(
        locker,
        "latecomer",
        "",
        T0.plus(FailureCount.OUT_OF_ORDER_TOLERANCE).plus(Duration.ofMinutes(1)));

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
    fail(locker, "alice", "", T0);

    assertThat(fail(locker, "alice", "", T0)).isPresent();

    await().atMost(Duration.ofSeconds(5)).until(() -> written.size() == 1);
    assertThat(calls).hasValue(3);
    assertThat(counter("eventhandler.autolock.locks.upserted")).isEqualTo(1);
    assertThat(counter("eventhandler.autolock.locks.failed")).isZero();
  }

  @Test
  void givesUpAfterTheLastRetryAndTriesAgainOnTheNextFailure() {
    AtomicInteger calls = new AtomicInteger();
    AutoLocker locker =
        locker(
            new AutoLocker.Settings(1, Duration.ofMinutes(1), Duration.ZERO),
            lock -> {
              calls.incrementAndGet();
              throw new IllegalStateException("access denied");
            });
    fail(locker, "alice", "", T0);

    try (CapturedLogs logs = CapturedLogs.of(AutoLocker.class.getName())) {
      fail(locker, "alice", "", T0);

      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> counter("eventhandler.autolock.locks.failed") == 1);
      assertThat(logs.messagesAt(Level.ERROR))
          .singleElement()
          .asString()
          .contains("to Teleport after 3 attempts: java.lang.IllegalStateException: access denied");
      assertThat(logs.messagesAt(Level.WARN))
          .as("the same attempts and waits every time: doubling from the first delay, no jitter")
          .containsExactly(
              "Could not write lock 'event-handler-auto-lock-alice-' to Teleport (attempt 1 of 3),"
                  + " trying again in 0.005s: java.lang.IllegalStateException: access denied",
              "Could not write lock 'event-handler-auto-lock-alice-' to Teleport (attempt 2 of 3),"
                  + " trying again in 0.01s: java.lang.IllegalStateException: access denied");
    }
    assertThat(calls).hasValue(3);
    assertThat(counter("eventhandler.autolock.locks.upserted")).isZero();
    assertThat(fail(locker, "alice", "", T0.plusSeconds(1)))
        .as("the user is not locked, so the next failure tries again")
        .isPresent();
  }

  @Test
  void theDefaultRetriesWaitOneTwoFourAndEightSecondsBetweenFiveAttempts() {
    RetryDelays delays = RetryPolicy.DEFAULT.delays();
    List<Duration> waits = new ArrayList<>();
    while (RetryPolicy.DEFAULT.allowsAnotherAfter(delays)) {
      waits.add(delays.next());
    }
    assertThat(waits)
        .containsExactly(
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(4),
            Duration.ofSeconds(8));
  }

  @Test
  void upsertsOfTheSameLockAreCoalescedWhileOneIsInFlight() throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    AutoLocker locker =
        locker(
            new AutoLocker.Settings(1, Duration.ofMinutes(1), Duration.ofSeconds(1)),
            lock -> {
              entered.countDown();
              release.await();
              written.add(lock);
            });
    fail(locker, "alice", "", T0);
    fail(locker, "alice", "", T0); // lock #1, in flight
    assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
    for (int i = 1; i <= 10; i++) {
      clock.advance(Duration.ofSeconds(2)); // each lock has expired by the next failure
      assertThat(fail(locker, "alice", "", T0.plusSeconds(i))).isPresent();
    }

    release.countDown();

    await().atMost(Duration.ofSeconds(5)).until(() -> written.size() == 2);
    assertThat(written.get(1).getSpec().getExpires())
        .as("the second write carries the newest expiry")
        .isEqualTo(timestamp(T0.plusSeconds(21)));
    assertThat(counter("eventhandler.autolock.locks.upserted")).isEqualTo(2);
  }

  private Optional<LockV2> fail(AutoLocker locker, String user, String login, Instant time) {
    return locker.onEvent("user.login", failedLogin(user, login), time);
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
}
