package eventhandler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import eventhandler.cli.RootCommand;
import eventhandler.sim.SimulatedCluster;
import eventhandler.sink.DeadLetterFile;
import eventhandler.testing.BackgroundStart;
import eventhandler.testing.ChildStart;
import eventhandler.testing.E2eRun;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Fluentd that refuses every event must not drain the history into the dead-letter file, and dead
 * letters can be sent again: {@code dead-letters replay} after a fix empties the file, and a replay
 * killed half-way and run again loses nothing.
 */
class FluentdRefusalTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** {@code teleport-event-handler <args>} in this JVM; returns exit code and output. */
  private static String[] command(List<String> args, int[] exit) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    exit[0] =
        new RootCommand(
                Map.of(),
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                settings -> {
                  throw new AssertionError("not start");
                })
            .execute(args.toArray(String[]::new));
    return new String[] {out.toString(), err.toString()};
  }

  /** The set-up's settings with {@code dead-letters <verb>} instead of {@code start}. */
  private static List<String> deadLetters(E2eRun run, String verb, String... extra) {
    List<String> args = new ArrayList<>(run.arguments(extra));
    args.set(0, "dead-letters");
    args.add(1, verb);
    return args;
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  @Timeout(180)
  void aFluentdRefusingEverythingThenFixedDeadLettersNothingAndDeliversEveryEvent()
      throws Exception {
    SimulatedCluster cluster =
        SimulatedCluster.builder().seed(61).events(2_000).sessionShare(0.01).build();
    try (E2eRun run = E2eRun.start(dir, cluster)) {
      run.receiver().failAllRequests(400);
      int port = freePort();
      BackgroundStart start =
          run.launch("--exit-on-last-event=true", "--metrics-addr=127.0.0.1:" + port);
      HttpClient http = HttpClient.newHttpClient();
      AtomicReference<String> readyz = new AtomicReference<>("");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                try {
                  HttpResponse<String> response =
                      http.send(
                          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                              .build(),
                          HttpResponse.BodyHandlers.ofString());
                  readyz.set(response.statusCode() + " " + response.body());
                  return response.statusCode() == 503 && response.body().contains("held");
                } catch (java.io.IOException e) {
                  return false;
                }
              });
      // Refused for a while: nothing dead-lettered, nothing lost, /readyz says why.
      TimeUnit.SECONDS.sleep(3);
      assertThat(readyz.get()).contains("HTTP 400").contains("simulated failure");
      assertThat(Files.exists(run.deadLetterFile())).isFalse();
      assertThat(run.receiver().totalRecords()).isZero();
      long refused = run.receiver().responses(400);

      run.receiver().clearFaults();
      BackgroundStart.Result result = start.await(Duration.ofSeconds(120));
      assertThat(result.exitCode()).as(result.err()).isZero();
      DeliveryCheck check = DeliveryCheck.of(run.cluster(), run.receiver()).assertNothingMissing();
      System.out.printf(
          "refuse-all then fixed: %d requests refused, dead letters: %s; %s%n",
          refused, Files.exists(run.deadLetterFile()) ? "some" : "none", check);
      // The bound: 0 by the rule (a refusal nothing was accepted after is never about the events);
      // --fluentd-dead-letter-limit (20 per 10 minutes) is the ceiling if it ever were.
      assertThat(Files.exists(run.deadLetterFile())).isFalse();
    }
  }

  @Test
  @Timeout(180)
  void poisonEventsAreStillDeadLetteredAndAReplayAfterTheFixEmptiesTheFile() throws Exception {
    SimulatedCluster cluster =
        SimulatedCluster.builder().seed(62).events(1_000).sessionShare(0.0).build();
    try (E2eRun run = E2eRun.start(dir, cluster)) {
      Set<String> poisoned = new HashSet<>();
      for (long index : new long[] {10, 400, 777}) {
        poisoned.add(cluster.auditEvent(index).getId());
      }
      run.receiver().poison(record -> poisoned.contains(record.path("uid").asText()));
      assertThat(run.runToEnd(Duration.ofSeconds(90))).isZero();
      assertThat(Files.readAllLines(run.deadLetterFile())).hasSize(3);

      int[] exit = new int[1];
      String[] listed = command(deadLetters(run, "list", "--json"), exit);
      assertThat(exit[0]).as(listed[1]).isZero();
      JsonNode counts = JSON.readTree(listed[0]);
      assertThat(counts.get("total").asInt()).isEqualTo(3);
      assertThat(counts.get("replayable").asInt()).isEqualTo(3);
      assertThat(counts.get("by_status").get("400").asInt()).isEqualTo(3);

      // Still refused: the lines stay, with Fluentd's new answer; exit 1.
      String[] again = command(deadLetters(run, "replay"), exit);
      assertThat(exit[0]).as(again[0] + again[1]).isEqualTo(1);
      List<String> kept = Files.readAllLines(run.deadLetterFile());
      assertThat(kept).hasSize(3).allMatch(line -> line.contains("\"replays\":1"));

      run.receiver().clearFaults(); // Fluentd fixed
      String[] replayed = command(deadLetters(run, "replay"), exit);
      assertThat(exit[0]).as(replayed[0] + replayed[1]).isZero();
      assertThat(Files.readAllLines(run.deadLetterFile())).isEmpty();
      DeliveryCheck.of(run.cluster(), run.receiver()).assertNothingMissing();
    }
  }

  @Test
  @Timeout(180)
  void aReplayKilledHalfWayAndRunAgainLosesNothing() throws Exception {
    SimulatedCluster cluster = SimulatedCluster.builder().seed(63).events(10).build();
    try (E2eRun run = E2eRun.start(dir, cluster)) {
      // 300 dead letters as the sink writes them, meant for the receiver.
      String url = run.receiver().url("localhost", "replayed.log").toString();
      Files.createDirectories(run.stateDir());
      try (DeadLetterFile file = new DeadLetterFile(run.deadLetterFile(), Clock.systemUTC())) {
        for (int n = 0; n < 300; n++) {
          Map<String, Object> details = new LinkedHashMap<>();
          details.put("kind", "refused");
          details.put("status", 400);
          details.put("response", "400 Bad Request\ninvalid time format");
          details.put("url", url);
          file.append(
              "fluentd refused the event",
              details,
              ("{\"event\":\"test\",\"uid\":\"r-" + n + "\",\"n\":" + n + "}")
                  .getBytes(StandardCharsets.UTF_8));
        }
      }
      run.receiver().latency(Duration.ofMillis(100));
      List<String> replay = deadLetters(run, "replay", "--fluentd-batch-size=10");
      try (ChildStart child =
          ChildStart.launch(
              List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
              replay,
              dir.resolve("replay-child.log"))) {
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> run.receiver().received("replayed.log") >= 60);
        child.kill(); // SIGKILL half-way
        child.awaitExit(Duration.ofSeconds(30));
      }
      long beforeRerun = run.receiver().received("replayed.log");
      assertThat(beforeRerun).isLessThan(300);
      List<String> left = Files.readAllLines(run.deadLetterFile());
      assertThat(left.size()).isLessThanOrEqualTo(300 - 40).isGreaterThan(0);

      run.receiver().latency(Duration.ZERO);
      int[] exit = new int[1];
      String[] output = command(replay, exit);
      assertThat(exit[0]).as(output[0] + output[1]).isZero();
      assertThat(Files.readAllLines(run.deadLetterFile())).isEmpty();
      Set<Integer> arrived = new HashSet<>();
      run.receiver().records("replayed.log").forEach(r -> arrived.add(r.get("n").asInt()));
      assertThat(arrived).hasSize(300);
      long duplicates = run.receiver().received("replayed.log") - 300;
      System.out.printf(
          "replay killed after %d of 300 arrived, %d lines left; rerun: all 300 arrived, %d"
              + " sent twice%n",
          beforeRerun, left.size(), duplicates);
      assertThat(duplicates).isLessThanOrEqualTo(10); // the batch in flight at the kill
    }
  }
}
