package eventhandler.sink;

import eventhandler.logging.WarningThrottle;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Hands refused events to {@link RefusedEvents} off the network threads (a dead letter is synced to
 * disk); a failed write is retried after a while, the event kept until it succeeds.
 */
final class RefusalWriter {
  private final RefusedEvents destination;
  private final WarningThrottle warnings;
  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(new DefaultThreadFactory("fluentd-dead-letters", true));

  RefusalWriter(RefusedEvents destination, WarningThrottle warnings) {
    this.destination = destination;
    this.warnings = warnings;
  }

  /**
   * Writes one refused event, then runs {@code onWritten}; on failure, asks {@code retryLater} to
   * run the returned attempt again later. False when closed (nothing was written).
   */
  boolean write(
      URI url,
      byte[] record,
      ExchangeResult result,
      Runnable onWritten,
      BiConsumer<Runnable, Long> retryLater,
      long retryDelayNanos) {
    try {
      thread.execute(
          () -> {
            try {
              destination.refused(url, record, result.status(), result.responseBody());
            } catch (IOException | RuntimeException e) {
              warnings.warn(
                  "dead-letter-file",
                  "Cannot write "
                      + destination.where()
                      + " ("
                      + e.getMessage()
                      + "); the refused event is kept and the write retried."
                      + " Check free space and permissions.");
              retryLater.accept(
                  () -> write(url, record, result, onWritten, retryLater, retryDelayNanos),
                  retryDelayNanos);
              return;
            }
            onWritten.run();
          });
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  void close() {
    thread.shutdown();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
