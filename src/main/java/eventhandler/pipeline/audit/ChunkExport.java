package eventhandler.pipeline.audit;

import eventhandler.logging.WarningThrottle;
import eventhandler.pipeline.ExportMetrics;
import eventhandler.pipeline.Interrupts;
import eventhandler.pipeline.RetryPause;
import eventhandler.pipeline.delivery.Checkpointer;
import eventhandler.pipeline.delivery.DeliveryLane;
import eventhandler.retry.Backoff;
import eventhandler.retry.RetryDelays;
import eventhandler.state.StateStore;
import eventhandler.teleport.EventStream;
import eventhandler.teleport.ExportedEvent;
import eventhandler.teleport.TeleportClient;
import eventhandler.teleport.TeleportException;
import java.io.IOException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports one chunk of one day with {@code ExportUnstructuredEvents}, resuming from the chunk's
 * saved cursor, and marks the chunk completed once every event of it is delivered. A broken stream
 * is resumed from the last delivered cursor, after a backoff, for as long as it takes. A cursor
 * Teleport refuses (INVALID_ARGUMENT, NOT_FOUND) is not retried: the chunk is read again from its
 * start (duplicates, never a gap).
 */
final class ChunkExport {
  private static final Logger LOG = LoggerFactory.getLogger(ChunkExport.class);

  private final TeleportClient client;
  private final AuditEventHandler handler;
  private final StateStore state;
  private final LocalDate date;
  private final String chunk;
  private final DeliveryLane<ChunkPosition> lane;
  private final Backoff backoff;
  private final WarningThrottle errors;
  private final Checkpointer checkpointer;
  private final ExportMetrics metrics;

  ChunkExport(
      TeleportClient client,
      AuditEventHandler handler,
      StateStore state,
      LocalDate date,
      String chunk,
      DeliveryLane<ChunkPosition> lane,
      Backoff backoff,
      WarningThrottle errors,
      Checkpointer checkpointer,
      ExportMetrics metrics) {
    this.client = client;
    this.handler = handler;
    this.state = state;
    this.date = date;
    this.chunk = chunk;
    this.lane = lane;
    this.backoff = backoff;
    this.errors = errors;
    this.checkpointer = checkpointer;
    this.metrics = metrics;
  }

  /**
   * Exports the chunk to its end; returns only when it is completed (or on interrupt). Reads while
   * holding a permit of {@code reading} and gives it back before waiting for the last deliveries,
   * so another chunk is read meanwhile.
   */
  void run(Semaphore reading) throws InterruptedException, IOException {
    Checkpointer.Tracking tracking = checkpointer.track(lane, this::saveCursor);
    // Interrupted (a stop), the chunk stays with the checkpointer: its batches in flight settle
    // during the shutdown, and the final checkpoint, written after that, must include them.
    try {
      reading.acquire();
      try {
        read(backoff.delays());
      } finally {
        reading.release();
      }
      lane.drainUntilDelivered();
    } catch (InterruptedException | RuntimeException e) {
      lane.flushOnStop();
      throw e;
    }
    tracking.stop();
    state.markChunkCompleted(date, chunk);
  }

  private void read(RetryDelays delays) throws InterruptedException {
    String refused = null;
    while (true) {
      String cursor = lane.committed().cursor();
      if (cursor.equals(refused)) {
        cursor = ""; // nothing delivered since the refusal: still from the start
      }
      boolean progressed = false;
      try (EventStream<ExportedEvent> stream = client.exportChunkEvents(date, chunk, cursor)) {
        while (stream.hasNext()) {
          ExportedEvent item = stream.next();
          progressed = true;
          handler.handle(item.event(), new ChunkPosition(item.cursor()), lane);
        }
      } catch (TeleportException e) {
        Interrupts.throwIfInterrupted();
        if (!progressed && !cursor.isEmpty() && refusesCursor(e)) {
          LOG.warn(
              "Teleport refuses the cursor of chunk {} of {} ({}), saved in {}; the chunk is"
                  + " exported again from its start",
              chunk,
              date,
              e.getMessage(),
              state.chunkCursorFile(date, chunk));
          refused = cursor;
          continue;
        }
        // Deliver what was read, then resume after the last delivered item.
        lane.drain(Duration.ofDays(1));
        if (progressed) {
          delays.reset(); // a stream that worked for a while is not a failing one
        }
        metrics.pollFailed();
        RetryPause.warnAndSleep(
            errors,
            "export-chunk",
            "exporting chunk " + chunk + " of " + date + " failed, resuming",
            delays.next(),
            e);
        continue;
      }
      return;
    }
  }

  private static boolean refusesCursor(TeleportException e) {
    return e.kind() == TeleportException.Kind.BAD_PARAMETER
        || e.kind() == TeleportException.Kind.NOT_FOUND;
  }

  private void saveCursor(ChunkPosition delivered) throws IOException {
    if (!delivered.cursor().isEmpty()) {
      state.setChunkCursor(date, chunk, delivered.cursor());
    }
  }
}
