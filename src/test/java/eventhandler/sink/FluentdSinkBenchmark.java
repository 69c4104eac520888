package eventhandler.sink;

import eventhandler.sim.fluentd.FluentdPki;
import eventhandler.sim.fluentd.FluentdReceiver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Throughput of the sink into the built-in receiver (count-only) over mutual TLS on loopback. Not a
 * test: run {@code ./mvnw -o test -Dtest=FluentdSinkBenchmark -Dbench=true} (optionally {@code
 * -Dbench.records=1000000 -Dbench.batch=500 -Dbench.connections=10 -Dbench.size=300}), or {@link
 * #main}.
 */
@Tag("bench")
class FluentdSinkBenchmark {
  record Result(long records, long bytes, Duration elapsed, long requests) {
    double eventsPerSecond() {
      return records / (elapsed.toNanos() / 1e9);
    }

    double megabytesPerSecond() {
      return bytes / (elapsed.toNanos() / 1e9) / 1e6;
    }
  }

  @Test
  @EnabledIfSystemProperty(named = "bench", matches = "true")
  void measure() throws Exception {
    main(new String[0]);
  }

  public static void main(String[] args) throws Exception {
    long records = Long.getLong("bench.records", 1_000_000);
    int size = Integer.getInteger("bench.size", 300);
    int connections = Integer.getInteger("bench.connections", 10);
    String batches = System.getProperty("bench.batch", "500,1");
    Path dir = Files.createTempDirectory("fluentd-bench");
    FluentdPki pki = new FluentdPki(dir);
    for (String batch : batches.split(",")) {
      int batchSize = Integer.parseInt(batch.trim());
      long count = batchSize == 1 ? Math.min(records, 200_000) : records;
      // Warm up the JIT, then measure.
      run(pki, dir, Math.min(count / 5, 100_000), size, batchSize, connections);
      Result result = run(pki, dir, count, size, batchSize, connections);
      System.out.printf(
          "batch %d, %d connections, %d records of %d bytes: %.0f events/s, %.1f MB/s,"
              + " %d requests, %.2f s%n",
          batchSize,
          connections,
          result.records(),
          size,
          result.eventsPerSecond(),
          result.megabytesPerSecond(),
          result.requests(),
          result.elapsed().toNanos() / 1e9);
    }
  }

  static Result run(FluentdPki pki, Path dir, long count, int size, int batchSize, int connections)
      throws Exception {
    List<byte[]> pool = records(10_000, size);
    try (FluentdReceiver receiver = pki.receiver().countOnly().start();
        DeadLetterFile deadLetters =
            new DeadLetterFile(dir.resolve("dl.jsonl"), Clock.systemUTC());
        FluentdSink sink =
            new FluentdSink(
                FluentdSinkConfig.withDefaults(pki.caFile, pki.clientCertFile, pki.clientKeyFile)
                    .withMaxConnections(connections)
                    .withBareObjects(batchSize == 1),
                deadLetters,
                new SimpleMeterRegistry(),
                Clock.systemUTC())) {
      URI url = receiver.url("bench.log");
      // Each send is one request's worth; two per connection outstanding keeps them all busy.
      int perSend = batchSize == 1 ? 1 : batchSize;
      Semaphore outstanding = new Semaphore(2 * connections);
      AtomicLong bytes = new AtomicLong();
      List<CompletableFuture<DeliveryReport>> tail = new ArrayList<>();
      long start = System.nanoTime();
      int next = 0;
      for (long sent = 0; sent < count; ) {
        int n = (int) Math.min(perSend, count - sent);
        List<byte[]> chunk = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          byte[] record = pool.get(next);
          next = (next + 1) % pool.size();
          chunk.add(record);
          bytes.addAndGet(record.length);
        }
        outstanding.acquire();
        CompletableFuture<DeliveryReport> future = sink.send(url, chunk);
        future.whenComplete((report, error) -> outstanding.release());
        tail.add(future);
        if (tail.size() > 4 * connections) {
          tail.remove(0).join();
        }
        sent += n;
      }
      tail.forEach(CompletableFuture::join);
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      if (!receiver.awaitRecords(count, Duration.ofSeconds(1))) {
        throw new IllegalStateException("records missing: " + receiver.totalRecords());
      }
      return new Result(count, bytes.get(), elapsed, receiver.requests());
    }
  }

  /** {@code count} distinct audit-event-like JSON records of about {@code size} bytes. */
  static List<byte[]> records(int count, int size) {
    List<byte[]> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String head =
          "{\"ei\":0,\"event\":\"user.login\",\"uid\":\"5c3b5e2c-0000-4000-8000-"
              + String.format("%012d", i)
              + "\",\"code\":\"T1000I\",\"time\":\"2024-05-01T10:00:00.123Z\","
              + "\"cluster_name\":\"teleport.example.com\",\"user\":\"alice\",\"method\":\"local\","
              + "\"success\":true,\"pad\":\"";
      String padding = "x".repeat(Math.max(0, size - head.length() - 2));
      records.add((head + padding + "\"}").getBytes(StandardCharsets.UTF_8));
    }
    return records;
  }
}
