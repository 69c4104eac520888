package eventhandler.pipeline.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventhandler.sim.fluentd.FluentdPki;
import eventhandler.sim.fluentd.FluentdReceiver;
import eventhandler.sink.DeadLetterFile;
import eventhandler.sink.FluentdSink;
import eventhandler.sink.FluentdSinkConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lane alone owns the count and byte limits: each batch it hands over is one request to the
 * built-in receiver, and no request body is larger than the byte limit unless it holds one event
 * larger than the limit.
 */
@Timeout(60)
class LaneBatchLimitsTest {
  @TempDir Path dir;
  private FluentdReceiver receiver;
  private FluentdSink sink;
  private DeadLetterFile deadLetters;

  @BeforeEach
  void setUp() throws Exception {
    FluentdPki pki = new FluentdPki(dir.resolve("pki"));
    receiver = pki.receiver().start();
    deadLetters = new DeadLetterFile(dir.resolve("dead-letter.jsonl"), Clock.systemUTC());
    sink =
        new FluentdSink(
            FluentdSinkConfig.withDefaults(pki.caFile, pki.clientCertFile, pki.clientKeyFile),
            deadLetters,
            new SimpleMeterRegistry(),
            Clock.systemUTC());
  }

  @AfterEach
  void tearDown() throws Exception {
    sink.close();
    receiver.close();
    deadLetters.close();
  }

  /** An event of exactly {@code size} bytes. */
  private static byte[] event(int n, int size) {
    String head = "{\"n\":" + n + ",\"p\":\"";
    String padding = "x".repeat(size - head.length() - 2);
    byte[] json = (head + padding + "\"}").getBytes(StandardCharsets.UTF_8);
    assertThat(json).hasSize(size);
    return json;
  }

  private List<DeliveredBatch> run(int batchSize, int batchBytes, List<byte[]> events)
      throws Exception {
    URI url = receiver.url("limits");
    List<DeliveredBatch> delivered = new ArrayList<>();
    DeliveryLane<Integer> lane =
        new DeliveryLane<>(
            sink,
            url,
            batchSize,
            batchBytes,
            4,
            0,
            batch -> {
              synchronized (delivered) {
                delivered.add(batch);
              }
            },
            new InFlightBatches(Clock.systemUTC()));
    for (int i = 0; i < events.size(); i++) {
      lane.add(events.get(i), i + 1);
    }
    assertThat(lane.drain(Duration.ofSeconds(30))).isTrue();
    assertThat(lane.committed()).isEqualTo(events.size());
    // The lane records an acknowledgement before it calls back, so the last call-back may still
    // be on its way when drain returns.
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> delivered(delivered) == events.size());
    synchronized (delivered) {
      return List.copyOf(delivered);
    }
  }

  private static int delivered(List<DeliveredBatch> batches) {
    synchronized (batches) {
      return batches.stream().mapToInt(batch -> batch.report().delivered()).sum();
    }
  }

  @Test
  void aBatchAtTheByteLimitIsOneRequestOfAtMostThatMany() throws Exception {
    // Two 48-byte events make a 99-byte body ([a,b]); a third would make 148 > 100.
    List<byte[]> events = new ArrayList<>();
    for (int n = 0; n < 10; n++) {
      events.add(event(n, 48));
    }
    List<DeliveredBatch> batches = run(500, 100, events);

    assertThat(receiver.received("limits")).isEqualTo(10);
    assertThat(receiver.requests()).isEqualTo(5);
    assertThat(batches).hasSize(5).allMatch(batch -> batch.report().requests() == 1);
    // Each request's body: the records plus brackets and commas.
    assertThat((receiver.receivedBytes("limits") + 5 * 3) / 5).isEqualTo(99);
  }

  @Test
  void aBodyOfExactlyTheLimitIsSentWholeAndOneByteMoreIsNot() throws Exception {
    // [49,49] is 101 bytes: one request under a 101-byte limit, then [48,49] (100 bytes).
    run(500, 101, List.of(event(0, 49), event(1, 49), event(2, 48), event(3, 49)));
    assertThat(receiver.requests()).isEqualTo(2);
    // Under a 100-byte limit the lane used to hand over 101 bytes and the sink cut them again
    // (two requests for one batch); now the lane sends each alone, one request per batch.
    List<DeliveredBatch> batches = run(500, 100, List.of(event(4, 49), event(5, 49)));
    assertThat(receiver.requests()).isEqualTo(4);
    assertThat(batches).extracting(batch -> batch.report().requests()).containsExactly(1, 1);
  }

  @Test
  void cutsByCount() throws Exception {
    List<byte[]> events = new ArrayList<>();
    for (int n = 0; n < 50; n++) {
      events.add(event(n, 40));
    }
    run(7, 1 << 20, events);
    assertThat(receiver.requests()).isEqualTo(8);
    assertThat(receiver.arrayRequests()).isEqualTo(8);
    assertThat(receiver.received("limits")).isEqualTo(50);
  }

  @Test
  void anEventLargerThanTheLimitGoesAloneInOneRequest() throws Exception {
    List<byte[]> events = List.of(event(0, 40), event(1, 5000), event(2, 40), event(3, 40));
    List<DeliveredBatch> batches = run(500, 1000, events);
    assertThat(receiver.requests()).isEqualTo(3);
    // Batches are in flight together, so they may end (and arrive) in any order.
    assertThat(batches)
        .extracting(batch -> batch.report().delivered())
        .containsExactlyInAnyOrder(1, 1, 2);
    assertThat(receiver.records("limits"))
        .extracting(record -> record.get("n").asInt())
        .containsExactlyInAnyOrder(0, 1, 2, 3);
  }

  @Test
  void oneEventPerRequestAsBareObjects() throws Exception {
    sink.close();
    FluentdPki pki = new FluentdPki(dir.resolve("pki2"));
    receiver.close();
    receiver = pki.receiver().start();
    sink =
        new FluentdSink(
            FluentdSinkConfig.withDefaults(pki.caFile, pki.clientCertFile, pki.clientKeyFile)
                .withBareObjects(true),
            deadLetters,
            new SimpleMeterRegistry(),
            Clock.systemUTC());
    List<byte[]> events = new ArrayList<>();
    for (int n = 0; n < 20; n++) {
      events.add(event(n, 40));
    }
    run(1, 1 << 20, events);
    assertThat(receiver.requests()).isEqualTo(20);
    assertThat(receiver.arrayRequests()).isZero();
    // Bare objects hold one event each: a send of two is a caller's mistake, said at once.
    assertThatThrownBy(() -> sink.send(receiver.url("limits"), events.subList(0, 2)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
