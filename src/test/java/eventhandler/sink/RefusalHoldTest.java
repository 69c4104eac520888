package eventhandler.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import eventhandler.sim.fluentd.FluentdPki;
import eventhandler.sim.fluentd.FluentdReceiver;
import eventhandler.testing.CapturedLogs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Fluentd that refuses every request (as with a wrong time_format) holds the events instead of
 * dead-lettering them, and delivers them all once it accepts again; the dead-letter limit holds
 * what a refusal about many events would otherwise drain.
 */
@Timeout(90)
class RefusalHoldTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private FluentdPki pki;
  private FluentdReceiver receiver;
  private FluentdSink sink;
  private SimpleMeterRegistry registry;
  private DeadLetterFile deadLetters;
  private CapturedLogs logs;

  @BeforeEach
  void setUp() throws Exception {
    pki = new FluentdPki(dir.resolve("pki"));
    receiver = pki.receiver().start();
    registry = new SimpleMeterRegistry();
    deadLetters = new DeadLetterFile(dir.resolve("dead-letter.jsonl"), Clock.systemUTC());
    logs = CapturedLogs.of(FluentdSink.class.getName());
  }

  @AfterEach
  void tearDown() throws Exception {
    logs.close();
    if (sink != null) {
      sink.close();
    }
    receiver.close();
    deadLetters.close();
  }

  private void sink(int deadLetterLimit) {
    sink =
        new FluentdSink(
            FluentdSinkConfig.withDefaults(pki.caFile, pki.clientCertFile, pki.clientKeyFile)
                .withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(10), Duration.ofMillis(200))
                .withDeadLetterLimit(deadLetterLimit),
            deadLetters,
            registry,
            Clock.systemUTC());
  }

  private static List<byte[]> events(int from, int count) {
    return IntStream.range(from, from + count)
        .mapToObj(
            n ->
                ("{\"event\":\"test\",\"uid\":\"e-" + n + "\",\"n\":" + n + "}")
                    .getBytes(StandardCharsets.UTF_8))
        .toList();
  }

  @Test
  void aFluentdRefusingEverythingHoldsTheEventsAndDeliversThemAllOnceFixed() throws Exception {
    sink(FluentdSinkConfig.DEFAULT_DEAD_LETTER_LIMIT);
    receiver.failAllRequests(400);
    List<CompletableFuture<DeliveryReport>> sends = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      sends.add(sink.send(receiver.url("held"), events(i * 100, 100)));
    }
    await()
        .atMost(WAIT)
        .until(() -> sink.health().held() != null && sink.health().held().events() == 800);
    // Let it probe a while: the requests stay few, nothing is dead-lettered.
    long refusedBefore = receiver.responses(400);
    TimeUnit.SECONDS.sleep(2);
    long probes = receiver.responses(400) - refusedBefore;
    SinkHealth.Held held = sink.health().held();
    assertThat(held.status()).isEqualTo(400);
    assertThat(held.answer()).contains("simulated failure");
    assertThat(held.overLimit()).isFalse();
    assertThat(registry.get("eventhandler.fluentd.held").gauge().value()).isEqualTo(800);
    assertThat(sends).noneMatch(CompletableFuture::isDone);
    assertThat(Files.exists(deadLetters.path())).isFalse();
    // Splitting stops after 32 refusals in a row (at most 8 + 32 ranges, each refused once more);
    // then each held range probes with backoff (capped at 200 ms here): at most 11 probes each in
    // 2 s. Isolating every event instead would take 8 x 199 = 1592 requests.
    assertThat(receiver.responses(400) - probes).isLessThanOrEqualTo(32 + 2 * (8 + 32));
    assertThat(probes).isPositive().isLessThanOrEqualTo((8 + 32) * 11);
    assertThat(logs.messagesAt(Level.ERROR)).hasSize(1);
    assertThat(logs.messagesAt(Level.ERROR).get(0))
        .contains("HTTP 400")
        .contains("simulated failure")
        .contains("time_format")
        .contains("events are held");

    receiver.clearFaults();
    long delivered = 0;
    for (CompletableFuture<DeliveryReport> send : sends) {
      DeliveryReport report = send.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(report.deadLettered()).isZero();
      delivered += report.delivered();
    }
    assertThat(delivered).isEqualTo(800);
    Set<Integer> numbers = new HashSet<>();
    receiver.records("held").forEach(record -> numbers.add(record.get("n").asInt()));
    assertThat(numbers).hasSize(800);
    assertThat(Files.exists(deadLetters.path())).isFalse();
    assertThat(sink.health().held()).isNull();
    assertThat(registry.get("eventhandler.fluentd.held").gauge().value()).isZero();
    assertThat(logs.messagesAt(Level.INFO))
        .anyMatch(message -> message.contains("accepts the held events again"));
    assertThat(logs.messagesAt(Level.ERROR)).hasSize(1);
  }

  @Test
  void beyondTheDeadLetterLimitRefusedEventsAreHeld() throws Exception {
    sink(3);
    // Every even event is refused: a refusal about many events, each proven (odd ones pass).
    receiver.poison(record -> record.get("n").asInt() % 2 == 0);
    CompletableFuture<DeliveryReport> send = sink.send(receiver.url("limit"), events(0, 20));
    await()
        .atMost(WAIT)
        .until(() -> sink.health().held() != null && sink.health().held().overLimit());
    assertThat(Files.readAllLines(deadLetters.path())).hasSize(3);
    assertThat(send).isNotDone();
    assertThat(sink.health().held().events()).isEqualTo(7);
    assertThat(logs.messagesAt(Level.ERROR).get(0)).contains("dead-letter limit");
    assertThat(receiver.received("limit")).isEqualTo(10);

    // Fluentd fixed: the held events go through, none more is dead-lettered.
    receiver.clearFaults();
    DeliveryReport report = send.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(report.deadLettered()).isEqualTo(3);
    assertThat(report.delivered()).isEqualTo(17);
    assertThat(Files.readAllLines(deadLetters.path())).hasSize(3);
  }
}
