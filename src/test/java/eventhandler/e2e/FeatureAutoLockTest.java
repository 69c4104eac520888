package eventhandler.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import eventhandler.sim.SimulatedCluster;
import eventhandler.teleport.proto.auditlog.EventUnstructured;
import eventhandler.teleport.proto.types.LockV2;
import eventhandler.testing.BackgroundStart;
import eventhandler.testing.E2eRun;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code --lock-enabled}: a user with more than {@code --lock-failed-attempts-count} failed logins
 * within {@code --lock-period} is locked in Teleport, once, with the Go plugin's lock.
 */
class FeatureAutoLockTest {
  private static final int ALLOWED = 4;
  private static final Duration PERIOD = Duration.ofMinutes(10);

  @TempDir Path dir;

  @ParameterizedTest(name = "bulk export: {0}, --lock-for={1}")
  @CsvSource({"true, 1h", "false, 0s"})
  void usersWithTooManyFailuresWithinThePeriodAreLockedOnce(boolean bulkExport, String lockFor)
      throws Exception {
    // Seed 2: alice and carol each fail 5 times within 10 minutes at some point; bob fails 12
    // times in the two hours, but never more than 3 times within 10 minutes.
    SimulatedCluster cluster =
        E2eRun.clusterWithHistory(Duration.ofHours(2))
            .seed(2)
            .events(120)
            .failedLoginShare(0.4)
            .sessionShare(0)
            .users(List.of("alice", "bob", "carol"))
            .chunkSize(30)
            .bulkExport(bulkExport)
            .build();
    try (E2eRun run = E2eRun.start(dir, cluster)) {
      Map<String, List<Instant>> failures = failedLogins(cluster);
      Set<String> expected = overTheLimit(failures);
      assertThat(expected).containsExactly("alice", "carol");
      assertThat(failures.get("bob")).hasSizeGreaterThan(ALLOWED);

      Instant before = Instant.now();
      BackgroundStart.Result result =
          run.run(
              "--exit-on-last-event=true",
              "--lock-enabled=true",
              "--lock-failed-attempts-count=" + ALLOWED,
              "--lock-period=10m",
              "--lock-for=" + lockFor);
      Instant after = Instant.now();

      assertThat(result.exitCode()).as(result.err()).isZero();
      List<LockV2> locks = cluster.locks();
      assertThat(locks)
          .extracting(lock -> lock.getSpec().getTarget().getUser())
          .as("one lock per user over the limit, not one per further failure")
          .containsExactlyInAnyOrderElementsOf(expected);
      for (LockV2 lock : locks) {
        String user = lock.getSpec().getTarget().getUser();
        // user.login events have no login, so the name ends with "-" as in the Go plugin.
        assertThat(lock.getMetadata().getName()).isEqualTo("event-handler-auto-lock-" + user + "-");
        assertThat(lock.getSpec().getTarget().getLogin()).isEmpty();
        assertThat(lock.getSpec().getMessage())
            .isEqualTo("User is locked due to too many failed login attempts");
        if (lockFor.equals("0s")) {
          assertThat(lock.getSpec().hasExpires()).as("no expiry").isFalse();
        } else {
          Instant expires = instant(lock.getSpec().getExpires());
          assertThat(expires)
              .isBetween(
                  before.plus(Duration.ofHours(1)).minusSeconds(1),
                  after.plus(Duration.ofHours(1)).plusSeconds(1));
        }
      }
      // Every event was still delivered.
      assertThat(run.receivedAuditUids())
          .containsExactlyInAnyOrderElementsOf(run.expectedAuditUids());
    }
  }

  private static Map<String, List<Instant>> failedLogins(SimulatedCluster cluster) {
    Map<String, List<Instant>> failures = new TreeMap<>();
    cluster
        .expectedAuditEvents()
        .filter(FeatureAutoLockTest::isFailedLogin)
        .forEach(
            event ->
                failures
                    .computeIfAbsent(
                        event.getUnstructured().getFieldsOrThrow("user").getStringValue(),
                        user -> new ArrayList<>())
                    .add(instant(event.getTime())));
    return failures;
  }

  /** Users with more than {@link #ALLOWED} failures less than {@link #PERIOD} apart. */
  private static Set<String> overTheLimit(Map<String, List<Instant>> failures) {
    Set<String> users = new TreeSet<>();
    failures.forEach(
        (user, times) -> {
          for (int i = 0; i + ALLOWED < times.size(); i++) {
            if (Duration.between(times.get(i), times.get(i + ALLOWED)).compareTo(PERIOD) < 0) {
              users.add(user);
            }
          }
        });
    return users;
  }

  private static boolean isFailedLogin(EventUnstructured event) {
    return event.getType().equals("user.login")
        && !event.getUnstructured().getFieldsOrThrow("success").getBoolValue();
  }

  private static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }
}
