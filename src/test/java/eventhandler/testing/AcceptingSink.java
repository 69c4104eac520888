package eventhandler.testing;

import eventhandler.sink.DeliveryReport;
import eventhandler.sink.EventSink;
import eventhandler.sink.SinkHealth;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** A sink that takes every batch at once, handing each record (as text) to a consumer first. */
public final class AcceptingSink implements EventSink {
  private final Consumer<String> records;

  public AcceptingSink(Consumer<String> records) {
    this.records = records;
  }

  @Override
  public CompletableFuture<DeliveryReport> send(URI url, List<byte[]> batch) {
    for (byte[] record : batch) {
      records.accept(new String(record, StandardCharsets.UTF_8));
    }
    return CompletableFuture.completedFuture(new DeliveryReport(batch.size(), 0, 1, 0));
  }

  @Override
  public SinkHealth health() {
    return null;
  }

  @Override
  public void close() {}
}
