package eventhandler.sink;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Where exported events go: Fluentd, or nowhere in a dry run. */
public interface EventSink extends AutoCloseable {
  /**
   * Delivers {@code records} (each one event's JSON object, UTF-8) to {@code url}. The future
   * completes when every record was accepted or dead-lettered, and completes exceptionally only
   * with {@link SinkClosedException} when the sink is closed first. The byte arrays must not change
   * until the future completes.
   *
   * <p>The sink queues what it is given without limit: callers must bound the number of outstanding
   * futures (and so the events they hold).
   */
  CompletableFuture<DeliveryReport> send(URI url, List<byte[]> records);

  SinkHealth health();

  /** Stops delivery; futures not yet completed fail with {@link SinkClosedException}. */
  @Override
  void close();
}
