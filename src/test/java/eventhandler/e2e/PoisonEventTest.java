package eventhandler.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import eventhandler.files.PrivateFiles;
import eventhandler.sim.SimulatedCluster;
import eventhandler.teleport.proto.auditlog.EventUnstructured;
import eventhandler.testing.E2eRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events Fluentd refuses for their content, one poisoned record in a batch (400) or one record
 * larger than Fluentd's body limit (413), go to the dead-letter file with the reason; every other
 * event of their batches arrives.
 */
class PoisonEventTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int BODY_LIMIT = 1024 * 1024;

  // Always removed, on failure too: it holds private keys, and a failing test prints the
  // child logs and deliveries it needs in its messages.
  @TempDir Path dir;

  @Test
  void refusedEventsAreDeadLetteredAndEveryOtherEventArrives() throws Exception {
    SimulatedCluster cluster =
        SimulatedCluster.builder().seed(51).events(5_000).sessionShare(0.02).build();
    long oversizedIndex = 3_000;
    cluster.faults().oversizedEvent(oversizedIndex, 2 * BODY_LIMIT);
    try (E2eRun run = E2eRun.start(dir, cluster, receiver -> receiver.bodyLimit(BODY_LIMIT))) {
      Map<String, EventUnstructured> poisonedAudit = new HashMap<>();
      for (long index : new long[] {100, 2_500, 4_999}) {
        EventUnstructured event = nonUpload(cluster, index);
        poisonedAudit.put(event.getId(), event);
      }
      EventUnstructured oversized = cluster.auditEvent(oversizedIndex);
      String sid = cluster.sessionIds().get(3);
      EventUnstructured poisonedSession = cluster.expectedSessionEvents(sid).get(0);
      run.receiver()
          .poison(
              record ->
                  poisonedAudit.containsKey(record.path("uid").asText())
                      || (record.path("sid").asText().equals(sid)
                          && record.path("ei").asLong() == poisonedSession.getIndex()
                          && record.path("event").asText().equals(poisonedSession.getType())));

      // Requests are kept under Fluentd's body limit, as a consistent configuration does: the
      // oversized event goes alone and alone gets 413.
      assertThat(run.runToEnd(Duration.ofSeconds(60), "--fluentd-batch-bytes=512KiB")).isZero();

      Set<String> refusedAudit = new HashSet<>(poisonedAudit.keySet());
      refusedAudit.add(oversized.getId());
      DeliveryCheck check =
          DeliveryCheck.of(run)
              .assertMissingExactly(refusedAudit, Map.of(sid, List.of(poisonedSession.getIndex())));
      assertThat(check.duplicates()).isZero();

      Path deadLetters = run.deadLetterFile();
      assertThat(Files.getPosixFilePermissions(deadLetters)).isEqualTo(PrivateFiles.FILE_MODE);
      List<JsonNode> lines = new ArrayList<>();
      for (String line : Files.readAllLines(deadLetters)) {
        lines.add(JSON.readTree(line));
      }
      System.out.printf(
          "poison: %d dead letters, %d requests answered 400, %d answered 413; %s%n",
          lines.size(), run.receiver().responses(400), run.receiver().responses(413), check);
      assertThat(lines).hasSize(5);
      Map<String, JsonNode> byEvent = new HashMap<>();
      for (JsonNode line : lines) {
        assertThat(line.path("reason").asText()).isNotBlank();
        assertThat(line.path("time").asText()).isNotBlank();
        JsonNode event = line.path("event");
        byEvent.put(event.path("uid").asText(), line);
      }
      for (EventUnstructured event : poisonedAudit.values()) {
        JsonNode line = byEvent.get(event.getId());
        assertThat(line).as("dead letter of %s", event.getId()).isNotNull();
        assertThat(line.path("status").asInt()).isEqualTo(400);
        assertThat(line.path("url").asText()).isEqualTo(run.receiverAuditUrl());
        assertThat(DeliveryCheck.sameJson(DeliveryCheck.json(event), line.path("event")))
            .as("dead-lettered event %s", event.getId())
            .isTrue();
      }
      JsonNode tooLarge = byEvent.get(oversized.getId());
      assertThat(tooLarge).as("dead letter of the oversized event").isNotNull();
      assertThat(tooLarge.path("status").asInt()).isEqualTo(413);
      assertThat(DeliveryCheck.sameJson(DeliveryCheck.json(oversized), tooLarge.path("event")))
          .as("dead-lettered event %s", oversized.getId())
          .isTrue();
      JsonNode session = byEvent.get(poisonedSession.getId());
      assertThat(session).as("dead letter of the session event").isNotNull();
      assertThat(session.path("status").asInt()).isEqualTo(400);
      assertThat(session.path("url").asText())
          .isEqualTo(run.receiverSessionUrl() + "." + sid + ".log");
      assertThat(DeliveryCheck.sameJson(DeliveryCheck.json(poisonedSession), session.path("event")))
          .as("dead-lettered event %s", poisonedSession.getId())
          .isTrue();
    }
  }

  /** The event at {@code index}, or the next one that is not a session.upload. */
  private static EventUnstructured nonUpload(SimulatedCluster cluster, long index) {
    EventUnstructured event = cluster.auditEvent(index);
    while (event.getType().equals("session.upload")) {
      event = cluster.auditEvent(--index);
    }
    return event;
  }
}
