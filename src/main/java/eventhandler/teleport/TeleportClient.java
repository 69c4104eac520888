package eventhandler.teleport;

import eventhandler.teleport.proto.types.LockV2;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * The calls the exporter makes to a Teleport Auth Service. Every method throws {@link
 * TeleportException} (unchecked) on failure; its {@link TeleportException#kind() kind} says what to
 * do about it.
 */
public interface TeleportClient extends AutoCloseable {

  /**
   * One page of audit events in {@code [from, to)}, oldest first ({@code GetUnstructuredEvents},
   * namespace {@code default}). {@code types} empty means all types; {@code startKey} empty means
   * the first page. {@link EventPage#nextKey()} is empty when the range has no more pages.
   */
  EventPage searchEvents(Instant from, Instant to, List<String> types, int limit, String startKey);

  /**
   * The names of all bulk-export chunks of a UTC day ({@code GetEventExportChunks}). Fails with
   * kind {@link TeleportException.Kind#NOT_IMPLEMENTED} when the cluster has no bulk export.
   */
  List<String> listExportChunks(LocalDate date);

  /**
   * The events of one export chunk ({@code ExportUnstructuredEvents}), resuming after {@code
   * cursor} (empty = from the start), each event's body possibly left encoded (far less CPU per
   * event). The stream must be closed (try-with-resources).
   */
  EventStream<ExportedEvent> exportChunkEvents(LocalDate date, String chunk, String cursor);

  /**
   * The events of a session recording with index {@code >= startIndex} ({@code
   * StreamUnstructuredSessionEvents}), each body possibly left encoded. Fails with kind {@link
   * TeleportException.Kind#NOT_FOUND} when the recording does not exist (yet). The stream must be
   * closed (try-with-resources).
   */
  EventStream<TeleportEvent> streamSessionEvents(String sessionId, int startIndex);

  /** Creates or replaces a lock ({@code AuthService.UpsertLock}). */
  void upsertLock(LockV2 lock);

  /** Cancels every open stream and releases the connection. */
  @Override
  void close();
}
