package eventhandler.sim;

import static eventhandler.sim.AuditLogApiTest.timestamp;
import static org.assertj.core.api.Assertions.assertThat;

import eventhandler.sim.data.CallLatency;
import eventhandler.teleport.proto.auditlog.GetUnstructuredEventsRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The events API's per-call latency: a fixed part and a part per event returned, paid once by calls
 * in flight together (a backend answers them in parallel; a simulator that serialised them would
 * make every parallel reader look useless).
 */
@Timeout(60)
class CallLatencyTest {
  private static final int CALLS = 6;

  @TempDir static Path dir;
  static SimulatedCluster cluster;
  static TestClient client;

  @BeforeAll
  static void start() throws Exception {
    cluster = SimulatedCluster.builder().seed(5).events(20_000).chunkSize(400).build().start();
    client = TestClient.direct(cluster, cluster.writeIdentity(dir.resolve("identity")).file());
  }

  @AfterEach
  void noLatency() {
    cluster.teleportLatency(CallLatency.NONE);
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    cluster.close();
  }

  @Test
  void aPageCostsPerCallAndPerEventAndParallelCallsWaitOnce() throws Exception {
    cluster.teleportLatency(new CallLatency(Duration.ofMillis(500), Duration.ofMillis(5)));
    IntSupplier page = () -> client.auditLog.getUnstructuredEvents(search(100)).getItemsCount();

    long single = timed(List.of(page));
    assertThat(Duration.ofNanos(single)).isGreaterThanOrEqualTo(Duration.ofMillis(1_000));

    long parallel = timed(List.of(page, page, page, page, page, page));
    // Serialised, the six would take 6 s; in parallel they take one page's time (a loaded
    // machine adds some).
    assertThat(Duration.ofNanos(parallel)).isLessThan(Duration.ofMillis(3_000));
  }

  @Test
  void aChunkStreamCostsPerCallAndPerEventAndParallelStreamsWaitOnce() throws Exception {
    LocalDate day = LocalDate.ofInstant(cluster.from(), ZoneOffset.UTC).plusDays(1);
    List<String> chunks = client.chunkNames(day);
    assertThat(chunks).hasSizeGreaterThanOrEqualTo(CALLS);
    int events = count(day, chunks.get(0));
    cluster.teleportLatency(new CallLatency(Duration.ofMillis(300), Duration.ofMillis(3)));
    List<IntSupplier> streams = new ArrayList<>();
    for (String chunk : chunks.subList(0, CALLS)) {
      streams.add(() -> count(day, chunk));
    }

    long single = timed(streams.subList(0, 1));
    Duration expected = Duration.ofMillis(300).plusMillis(3L * events);
    assertThat(Duration.ofNanos(single)).isGreaterThanOrEqualTo(expected.minusMillis(10));

    long parallel = timed(streams);
    // A chunk has at most 400 events: serialised, the six would take at least 6 x 300 ms plus
    // 3 ms per event (over 7 s with full chunks); in parallel about one chunk's time (1.5 s).
    assertThat(Duration.ofNanos(parallel)).isLessThan(Duration.ofMillis(4_000));
  }

  @Test
  void theChunkListCostsOneCall() {
    LocalDate day = LocalDate.ofInstant(cluster.from(), ZoneOffset.UTC).plusDays(1);
    cluster.teleportLatency(new CallLatency(Duration.ofMillis(300), Duration.ofSeconds(2)));
    long started = System.nanoTime();
    assertThat(client.chunkNames(day)).hasSizeGreaterThan(3);
    // Chunk names are not events: 300 ms, not 300 ms plus 2 s per name.
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isBetween(Duration.ofMillis(295), Duration.ofMillis(5_000));
  }

  private static int count(LocalDate day, String chunk) {
    int[] n = {0};
    client
        .auditLog
        .exportUnstructuredEvents(AuditLogApiTest.export(day, chunk, ""))
        .forEachRemaining(e -> n[0]++);
    return n[0];
  }

  /** Nanoseconds until every call has answered (each must have returned events). */
  private static long timed(List<IntSupplier> calls) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(calls.size());
    try {
      long started = System.nanoTime();
      List<Future<Integer>> answers = new ArrayList<>();
      for (IntSupplier call : calls) {
        answers.add(pool.submit(call::getAsInt));
      }
      for (Future<Integer> answer : answers) {
        assertThat(answer.get()).isPositive();
      }
      return System.nanoTime() - started;
    } finally {
      pool.shutdownNow();
    }
  }

  private static GetUnstructuredEventsRequest search(int limit) {
    return GetUnstructuredEventsRequest.newBuilder()
        .setStartDate(timestamp(cluster.from()))
        .setEndDate(timestamp(cluster.to()))
        .setLimit(limit)
        .build();
  }
}
