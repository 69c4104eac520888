package eventhandler.pipeline;

import eventhandler.teleport.EventPage;
import eventhandler.teleport.EventStream;
import eventhandler.teleport.ExportedEvent;
import eventhandler.teleport.TeleportClient;
import eventhandler.teleport.TeleportEvent;
import eventhandler.teleport.proto.types.LockV2;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** A Teleport client for unit tests: override the calls a test needs; the rest fail loudly. */
public class UnsupportedTeleportClient implements TeleportClient {
  @Override
  public EventPage searchEvents(
      Instant from, Instant to, List<String> types, int limit, String startKey) {
    throw new UnsupportedOperationException();
  }

  @Override
  public List<String> listExportChunks(LocalDate date) {
    throw new UnsupportedOperationException();
  }

  @Override
  public EventStream<ExportedEvent> exportChunkEvents(LocalDate date, String chunk, String cursor) {
    throw new UnsupportedOperationException();
  }

  @Override
  public EventStream<TeleportEvent> streamSessionEvents(String sessionId, int startIndex) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void upsertLock(LockV2 lock) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void close() {}
}
