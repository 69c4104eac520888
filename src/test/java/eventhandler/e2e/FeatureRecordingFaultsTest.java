package eventhandler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import eventhandler.sim.SimulatedCluster;
import eventhandler.testing.BackgroundStart;
import eventhandler.testing.E2eRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recordings that are missing, late or damaged: retried in the background without holding up the
 * others, and given up on (with a dead letter) without ending the program.
 */
class FeatureRecordingFaultsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static SimulatedCluster cluster() {
    return E2eRun.clusterWithHistory(Duration.ofDays(1))
        .seed(41)
        .events(250)
        .sessionShare(0.06)
        .recordingLength(6, 20)
        .chunkSize(60)
        .build();
  }

  @Test
  void aMissingRecordingDoesNotHoldUpTheOthersAndIsRetriedOnTheNextStart() throws Exception {
    try (E2eRun run = E2eRun.start(dir, cluster())) {
      List<String> sessions = run.cluster().sessionIds();
      String missing = sessions.get(0);
      run.cluster().faults().missingRecordings(missing);

      // One worker, retries a minute away: the first run can only finish if the missing
      // recording gave its worker back.
      BackgroundStart.Result first = run.run("--exit-on-last-event=true", "--concurrency=1");

      assertThat(first.exitCode()).as(first.err()).isZero();
      for (String sid : sessions.subList(1, sessions.size())) {
        assertRecordingArrived(run, sid);
      }
      assertThat(run.receivedSessionEvents(missing)).isEmpty();
      JsonNode saved =
          JSON.readTree(run.stateDir().resolve("missing_recording" + missing).toFile());
      assertThat(saved.get("Attempt").asInt()).isEqualTo(1);
      assertThat(run.stateDir().resolve("session" + missing)).doesNotExist();

      // The recording shows up; the next start retries it from the saved state.
      run.cluster().faults().clear();
      run.timings(E2eRun.QUICK_RETRIES);
      BackgroundStart second = run.launch("--timeout=1s");
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(() -> assertRecordingArrived(run, missing));
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> !Files.exists(run.stateDir().resolve("missing_recording" + missing)));
      BackgroundStart.Result result = second.stop();
      assertThat(result.exitCode()).as(result.err()).isZero();
    }
  }

  @Test
  void lateRecordingsArriveAndLostOrDamagedOnesAreDeadLetteredWhileTheProgramRuns()
      throws Exception {
    try (E2eRun run = E2eRun.start(dir, cluster())) {
      List<String> sessions = run.cluster().sessionIds();
      assertThat(sessions).hasSizeGreaterThan(5);
      String lost = sessions.get(0);
      String late = sessions.get(1);
      String damaged = sessions.get(2);
      run.cluster()
          .faults()
          .missingRecordings(lost)
          .recordingUploadedLate(late, 2)
          .corruptRecordings(damaged);
      run.timings(E2eRun.QUICK_RETRIES);

      BackgroundStart running = run.launch("--timeout=1s", "--concurrency=2");

      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                for (String sid : sessions.subList(3, sessions.size())) {
                  assertRecordingArrived(run, sid);
                }
                assertRecordingArrived(run, late);
                assertThat(deadLetters(run))
                    .extracting(line -> line.path("sid").asText())
                    .contains(lost, damaged);
              });
      // The damaged recording's events before the damage were delivered, in order.
      int damageAt = run.cluster().expectedSessionEvents(damaged).size() / 2;
      assertThat(E2eRun.indexes(run.receivedSessionEvents(damaged)))
          .containsExactlyElementsOf(
              run.expectedSessionIndexes(
                  damaged, e -> e.getIndex() < damageAt && !e.getType().equals("print")));
      for (String sid : List.of(lost, late, damaged)) {
        assertThat(run.stateDir().resolve("session" + sid)).doesNotExist();
        assertThat(run.stateDir().resolve("missing_recording" + sid)).doesNotExist();
      }
      JsonNode lostLine =
          deadLetters(run).stream()
              .filter(line -> line.path("sid").asText().equals(lost))
              .findFirst()
              .orElseThrow();
      assertThat(lostLine.path("reason").asText()).contains("not found");
      assertThat(running.isDone()).as("the program keeps running").isFalse();

      BackgroundStart.Result result = running.stop();
      assertThat(result.exitCode()).as(result.err()).isZero();
      assertThat(deadLetters(run))
          .as("each given-up recording is dead-lettered once")
          .extracting(line -> line.path("sid").asText())
          .containsOnlyOnce(lost, damaged);
    }
  }

  private static void assertRecordingArrived(E2eRun run, String sid) {
    assertThat(E2eRun.indexes(run.receivedSessionEvents(sid)))
        .as("recording of %s", sid)
        .containsExactlyElementsOf(
            run.expectedSessionIndexes(sid, e -> !e.getType().equals("print")));
  }

  private static List<JsonNode> deadLetters(E2eRun run) throws IOException {
    Path file = run.stateDir().resolve("dead-letter.jsonl");
    List<JsonNode> lines = new ArrayList<>();
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file)) {
        lines.add(JSON.readTree(line));
      }
    }
    return lines;
  }
}
