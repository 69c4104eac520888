package eventhandler.pipeline;

import eventhandler.teleport.ChunkItem;
import eventhandler.teleport.EventPage;
import eventhandler.teleport.EventStream;
import eventhandler.teleport.TeleportClient;
import eventhandler.teleport.proto.auditlog.EventUnstructured;
import eventhandler.teleport.proto.auth.PingResponse;
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
  public EventStream<ChunkItem> exportChunk(LocalDate date, String chunk, String cursor) {
    throw new UnsupportedOperationException();
  }

  @Override
  public EventStream<EventUnstructured> streamSession(String sessionId, int startIndex) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void upsertLock(LockV2 lock) {
    throw new UnsupportedOperationException();
  }

  @Override
  public PingResponse ping() {
    throw new UnsupportedOperationException();
  }

  @Override
  public void close() {}
}
