package eventhandler.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import eventhandler.demo.LocalStack;
import eventhandler.sim.SimulatedCluster;
import eventhandler.teleport.proto.auditlog.EventUnstructured;
import eventhandler.testing.BackgroundStart;
import eventhandler.testing.E2eRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --types}, {@code --skip-event-types} and {@code --skip-session-types}, on both export
 * paths. Bulk export has no server-side type filter, so there the program must filter itself.
 */
class FeatureFiltersTest {
  @TempDir Path dir;

  private static SimulatedCluster cluster(boolean bulkExport) {
    return E2eRun.clusterWithHistory(Duration.ofDays(2))
        .seed(11)
        .events(400)
        .sessionShare(0.03)
        .recordingLength(5, 25)
        .chunkSize(50)
        .bulkExport(bulkExport)
        .build();
  }

  @ParameterizedTest(name = "bulk export: {0}")
  @ValueSource(booleans = {true, false})
  void onlyTheListedTypesArrive(boolean bulkExport) throws Exception {
    Set<String> types = Set.of("user.login", "exec", "session.upload");
    try (E2eRun run = E2eRun.start(dir, cluster(bulkExport))) {
      BackgroundStart.Result result =
          run.run("--exit-on-last-event=true", "--types=user.login,exec,session.upload");

      assertThat(result.exitCode()).as(result.err()).isZero();
      List<String> expected = run.expectedAuditUids(ofTypes(types));
      assertThat(expected).hasSizeBetween(150, 350); // the filter leaves some out, not all
      assertThat(run.receivedAuditUids()).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(E2eRun.typesOf(run.receiver().records(LocalStack.auditTag())).keySet())
          .isEqualTo(types);
      // session.upload passes the filter, so recordings are exported as well.
      FeatureExportModesTest.assertEveryRecordingArrived(run);
    }
  }

  @ParameterizedTest(name = "bulk export: {0}")
  @ValueSource(booleans = {true, false})
  void skippedEventTypesDoNotArriveNorTriggerRecordings(boolean bulkExport) throws Exception {
    Set<String> skipped = Set.of("exec", "cert.create", "session.upload");
    try (E2eRun run = E2eRun.start(dir, cluster(bulkExport))) {
      BackgroundStart.Result result =
          run.run(
              "--exit-on-last-event=true", "--skip-event-types=exec,cert.create,session.upload");

      assertThat(result.exitCode()).as(result.err()).isZero();
      assertThat(run.receivedAuditUids())
          .containsExactlyInAnyOrderElementsOf(run.expectedAuditUids(ofTypes(skipped).negate()));
      assertThat(run.cluster().sessionIds()).isNotEmpty();
      // A skipped session.upload does not start the export of its recording.
      assertThat(run.receiver().recordsByTag().keySet()).containsOnly(LocalStack.auditTag());
    }
  }

  @ParameterizedTest(name = "--skip-session-types=\"{0}\"")
  @CsvSource(
      value = {"'', ''", "'session.start,resize', 'session.start,resize'"},
      quoteCharacter = '\'')
  void skippedSessionTypesAreLeftOutOfRecordings(String flag, String skippedList) throws Exception {
    Set<String> skipped = skippedList.isEmpty() ? Set.of() : Set.of(skippedList.split(","));
    try (E2eRun run = E2eRun.start(dir, cluster(true))) {
      BackgroundStart.Result result =
          run.run("--exit-on-last-event=true", "--skip-session-types=" + flag);

      assertThat(result.exitCode()).as(result.err()).isZero();
      List<String> sessions = run.cluster().sessionIds();
      assertThat(sessions).isNotEmpty();
      long prints = 0;
      for (String sid : sessions) {
        List<Long> received = E2eRun.indexes(run.receivedSessionEvents(sid));
        assertThat(received)
            .as("recording of %s without %s", sid, skipped)
            .containsExactlyElementsOf(run.expectedSessionIndexes(sid, ofTypes(skipped).negate()));
        prints += E2eRun.typesOf(run.receivedSessionEvents(sid)).getOrDefault("print", 0L);
      }
      assertThat(prints).as("print events are sent unless listed").isPositive();
    }
  }

  private static Predicate<EventUnstructured> ofTypes(Set<String> types) {
    return event -> types.contains(event.getType());
  }
}
