package eventhandler.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import eventhandler.testing.BackgroundStart;
import eventhandler.testing.CapturedLogs;
import eventhandler.testing.E2eRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An export stopped part way, one state file then damaged by hand (empty, cut short, garbage, a
 * value from the future), and the same {@code start} again, without {@code --start-time}: either it
 * resumes and every event not yet exported arrives at the receiver (counted against the cluster),
 * with a warning naming the file; or it refuses with exit code 2 and one error naming the file and
 * the fix, before anything is read from Teleport, and the fix then works. Both audit paths: search
 * paging and bulk export. The fixture is the Go plugin's layout ({@link GoStateFixture}).
 */
class DamagedStateTest {
  @TempDir Path dir;

  /** What a case must end in. */
  enum Outcome {
    /** Resumes, 0 missing, a warning naming the file. */
    RECOVERS,
    /** Resumes, 0 missing; nothing is wrong to warn about (duplicates at most). */
    RECOVERS_QUIETLY,
    /** Resumes, 0 missing; a warning only if Teleport or the pager noticed. */
    RECOVERS_MAYBE_WARNED,
    /** Exit 2 naming the file, nothing read. */
    REFUSES
  }

  static Stream<Arguments> searchCases() {
    return Stream.of(
        Arguments.of("start_time", "empty", Outcome.REFUSES),
        Arguments.of("start_time", "truncated", Outcome.REFUSES),
        Arguments.of("start_time", "garbage", Outcome.REFUSES),
        Arguments.of("start_time", "future", Outcome.REFUSES),
        Arguments.of("window_time", "empty", Outcome.REFUSES),
        Arguments.of("window_time", "truncated", Outcome.REFUSES),
        Arguments.of("window_time", "garbage", Outcome.REFUSES),
        Arguments.of("window_time", "future", Outcome.REFUSES),
        Arguments.of("cursor", "empty", Outcome.RECOVERS),
        Arguments.of("cursor", "truncated", Outcome.RECOVERS_MAYBE_WARNED),
        Arguments.of("cursor", "garbage", Outcome.RECOVERS),
        Arguments.of("cursor", "future", Outcome.RECOVERS),
        Arguments.of("id", "empty", Outcome.RECOVERS),
        Arguments.of("id", "truncated", Outcome.RECOVERS),
        Arguments.of("id", "garbage", Outcome.RECOVERS),
        Arguments.of("id", "future", Outcome.RECOVERS),
        Arguments.of("session", "empty", Outcome.RECOVERS_QUIETLY),
        Arguments.of("session", "truncated", Outcome.RECOVERS),
        Arguments.of("session", "garbage", Outcome.RECOVERS),
        Arguments.of("session", "future", Outcome.RECOVERS),
        Arguments.of("missing_recording", "empty", Outcome.RECOVERS),
        Arguments.of("missing_recording", "truncated", Outcome.RECOVERS),
        Arguments.of("missing_recording", "garbage", Outcome.RECOVERS),
        Arguments.of("missing_recording", "future", Outcome.RECOVERS));
  }

  static Stream<Arguments> bulkCases() {
    return Stream.of(
        Arguments.of("start_time", "empty", Outcome.REFUSES),
        Arguments.of("start_time", "truncated", Outcome.REFUSES),
        Arguments.of("start_time", "garbage", Outcome.REFUSES),
        Arguments.of("start_time", "future", Outcome.REFUSES),
        Arguments.of("chunk", "empty", Outcome.RECOVERS),
        Arguments.of("chunk", "truncated", Outcome.RECOVERS_MAYBE_WARNED),
        Arguments.of("chunk", "garbage", Outcome.RECOVERS),
        Arguments.of("chunk", "future", Outcome.RECOVERS),
        Arguments.of("completed-chunks", "empty", Outcome.RECOVERS_QUIETLY),
        Arguments.of("completed-chunks", "truncated", Outcome.RECOVERS_QUIETLY),
        Arguments.of("completed-chunks", "garbage", Outcome.RECOVERS_QUIETLY),
        Arguments.of("session", "garbage", Outcome.RECOVERS),
        Arguments.of("session", "future", Outcome.RECOVERS),
        Arguments.of("missing_recording", "garbage", Outcome.RECOVERS),
        Arguments.of("missing_recording", "future", Outcome.RECOVERS));
  }

  @ParameterizedTest(name = "search path, {0} {1}: {2}")
  @MethodSource("searchCases")
  void searchPath(String file, String damage, Outcome outcome) throws Exception {
    try (E2eRun run = E2eRun.start(dir, GoStateFixture.cluster().bulkExport(false).build())) {
      GoStateFixture fixture = GoStateFixture.searchPartWay(run);
      check(run, fixture, file, damage, outcome, "--window-size=6h", "--batch=20");
    }
  }

  @ParameterizedTest(name = "bulk path, {0} {1}: {2}")
  @MethodSource("bulkCases")
  void bulkPath(String file, String damage, Outcome outcome) throws Exception {
    try (E2eRun run = E2eRun.start(dir, GoStateFixture.cluster().build())) {
      GoStateFixture fixture = GoStateFixture.bulkPartWay(run);
      check(run, fixture, file, damage, outcome);
    }
  }

  private static void check(
      E2eRun run,
      GoStateFixture fixture,
      String file,
      String damage,
      Outcome outcome,
      String... flags)
      throws Exception {
    Path damaged = fixture.damage(file, damage);
    List<String> arguments = new ArrayList<>(List.of("--timeout=1s"));
    arguments.addAll(List.of(flags));
    String[] args = arguments.toArray(String[]::new);
    if (outcome == Outcome.REFUSES) {
      byte[] before = Files.readAllBytes(damaged);
      int callsBefore = run.cluster().receivedCalls().size();
      BackgroundStart.Result refused =
          run.timings(E2eRun.QUICK_RETRIES)
              .launchWithoutStartTime(args)
              .await(Duration.ofSeconds(20));
      assertThat(refused.exitCode()).as("exit code; %s", refused.err()).isEqualTo(2);
      List<String> errors = refused.err().lines().filter(l -> l.startsWith("error:")).toList();
      assertThat(errors).as(refused.err()).hasSize(1);
      assertThat(errors.get(0)).contains("state file " + damaged + " is damaged");
      assertThat(errors.get(0)).containsAnyOf("--start-time", "Delete it");
      System.out.printf("%s %s refused: %s%n", file, damage, errors.get(0));
      assertThat(run.cluster().receivedCalls())
          .as("nothing asked of Teleport")
          .hasSize(callsBefore);
      assertThat(run.receiver().totalRecords()).isZero();
      assertThat(Files.readAllBytes(damaged)).as("a refusal changes nothing").isEqualTo(before);
      // The fix the error names works, and loses nothing either.
      arguments.addAll(fixture.applyFix(file));
      args = arguments.toArray(String[]::new);
    }
    try (CapturedLogs logs = CapturedLogs.of("eventhandler")) {
      BackgroundStart running = run.timings(E2eRun.QUICK_RETRIES).launchWithoutStartTime(args);
      fixture.awaitNothingMissing(run, Duration.ofSeconds(30));
      assertThat(running.stop().exitCode()).isZero();
      List<String> naming =
          logs.messages(Level.WARN).stream().filter(m -> m.contains(damaged.toString())).toList();
      switch (outcome) {
        case RECOVERS -> assertThat(naming).as(logs.messages(Level.WARN).toString()).isNotEmpty();
        case RECOVERS_QUIETLY -> assertThat(naming).isEmpty();
        default -> {}
      }
      System.out.printf(
          "%s %s: %s; %d audit and %d session records arrived, 0 missing; warnings %s%n",
          file,
          damage,
          outcome,
          run.receivedAuditUids().size(),
          fixture.sessionRecords(run),
          naming);
    }
  }

  /** The few bytes of garbage a torn write or a stray edit leaves. */
  static byte[] garbage() {
    return new byte[] {0, 0, (byte) 0xff, '\n', 'x', 7};
  }

  static byte[] truncated(byte[] good) {
    byte[] half = new byte[Math.max(1, good.length / 2)];
    System.arraycopy(good, 0, half, 0, half.length);
    return half;
  }

  static String inAMonth() {
    return Instant.now().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS).toString();
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
