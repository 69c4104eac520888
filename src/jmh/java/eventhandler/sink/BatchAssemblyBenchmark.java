package eventhandler.sink;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The sink's request body assembly: one JSON array of {@code batch} records of about 450 bytes
 * copied into one buffer, as {@code Exchange.body} does for every request (per batch; divide by the
 * batch size for the cost per event).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BatchAssemblyBenchmark {
  @Param({"1", "100", "500"})
  public int batch;

  private List<byte[]> records;
  private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;

  @Setup(Level.Trial)
  public void setUp() {
    records = new ArrayList<>(batch);
    for (int i = 0; i < batch; i++) {
      String record =
          "{\"addr.remote\":\"203.0.113.7:51234\",\"cluster_name\":\"teleport.example.com\","
              + "\"code\":\"T1000W\",\"ei\":0,\"error\":\"invalid username, password or second"
              + " factor\",\"event\":\"user.login\",\"method\":\"local\",\"success\":false,"
              + "\"time\":\"2024-10-16T10:15:42.123Z\",\"uid\":\"6f1c2b7e-3c1d-4b8e-9a51-"
              + String.format("%012d", i)
              + "\",\"user\":\"alice@example.com\",\"mfa_device\":{\"mfa_device_name\":\"key\","
              + "\"mfa_device_uuid\":\"9b2f\",\"mfa_device_type\":\"WebAuthn\"},\"attempts\":3}";
      records.add(record.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Sizing plus copying the records into the request body (then freeing it). */
  @Benchmark
  public int assembleBody() {
    Exchange exchange = new Exchange("/test.log", records, 0, batch, batch > 1, result -> {});
    ByteBuf body = exchange.body(alloc);
    int size = body.readableBytes();
    body.release();
    return size;
  }
}
