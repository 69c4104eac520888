package eventhandler.sim.data;

import com.google.protobuf.Timestamp;
import eventhandler.teleport.proto.auditlog.EventUnstructured;
import eventhandler.teleport.proto.auditlog.EventsUnstructured;
import eventhandler.teleport.proto.auditlog.ExportEventUnstructured;
import eventhandler.teleport.proto.auditlog.GetUnstructuredEventsRequest;
import eventhandler.teleport.proto.types.LockV2;
import io.grpc.StatusException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * What the simulated cluster's backend holds: the audit log, session recordings, bulk export chunks
 * and locks; events are computed from (seed, index), never stored, and the faults that change what
 * it answers. The Auth front asks it the events API's questions; tests ask it what to expect.
 */
public final class ClusterData {
  private final Faults faults;
  private final EventTimeline timeline;
  private final AuditEvents auditEvents;
  private final SessionRecordings recordings;
  private final AuditSearch search;
  private final ExportReads exports;
  private final List<LockV2> locks = new CopyOnWriteArrayList<>();

  public ClusterData(DataSettings settings) {
    this.faults = new Faults(settings.seed());
    this.timeline =
        new EventTimeline(settings.fromMillis(), settings.toMillis(), settings.events());
    SessionIds sessionIds = new SessionIds(settings.seed());
    this.auditEvents =
        new AuditEvents(
            settings.seed(),
            settings.clusterName(),
            settings.sessionShare(),
            settings.failedLoginShare(),
            settings.users(),
            timeline,
            sessionIds,
            faults);
    this.recordings =
        new SessionRecordings(
            settings.seed(),
            settings.minRecording(),
            settings.maxRecording(),
            auditEvents,
            sessionIds,
            faults);
    this.search = new AuditSearch(auditEvents);
    ExportChunks chunks = new ExportChunks(settings.seed(), settings.chunkSize(), timeline);
    this.exports = new ExportReads(settings.seed(), auditEvents, chunks);
  }

  public Faults faults() {
    return faults;
  }

  // --- the events API, as the Auth front serves it ---------------------------------------------

  /** One page of {@code GetUnstructuredEvents}; INVALID_ARGUMENT for a bad limit or cursor. */
  public EventsUnstructured search(GetUnstructuredEventsRequest request) throws StatusException {
    return search.search(request);
  }

  /** The names of the bulk export chunks of the UTC day of {@code date}, in no stable order. */
  public List<String> exportChunkNames(Timestamp date) {
    return exports.chunkNames(date);
  }

  /**
   * The events of one chunk from {@code cursor} on (empty: from its start); NOT_FOUND for an
   * unknown chunk, INVALID_ARGUMENT for a cursor of another chunk.
   */
  public Iterator<ExportEventUnstructured> exportChunkEvents(
      Timestamp date, String chunk, String cursor) throws StatusException {
    return exports.chunkEvents(date, chunk, cursor);
  }

  /** How many events the recording of {@code sessionId} has; empty when none is found. */
  public OptionalInt recordingLength(String sessionId) {
    return recordings
        .find(sessionId)
        .map(r -> OptionalInt.of(r.length()))
        .orElse(OptionalInt.empty());
  }

  /** The events of a recording {@link #recordingLength} found, with {@code ei >= fromIndex}. */
  public Iterator<EventUnstructured> recordingEvents(String sessionId, int fromIndex) {
    return recordings.events(recordings.find(sessionId).orElseThrow(), fromIndex);
  }

  /** Keeps a lock {@code UpsertLock} accepted. */
  public void recordLock(LockV2 lock) {
    locks.add(lock);
  }

  /** Locks received by {@code UpsertLock}, in order. */
  public List<LockV2> locks() {
    return List.copyOf(locks);
  }

  // --- what tests and the demo expect -----------------------------------------------------------

  /**
   * Adds {@code count} audit events at {@code nowMillis}; returns the index of the first new one.
   */
  public long appendLiveEvents(int count, long nowMillis) {
    return timeline.append(count, nowMillis).firstIndex();
  }

  /** All audit events so far, generated and live. */
  public long auditEventCount() {
    return timeline.count();
  }

  public EventUnstructured auditEvent(long index) {
    Objects.checkIndex(index, timeline.count());
    return WireEvent.decoded(auditEvents.event(index));
  }

  /** Every audit event in order, made lazily (safe for millions). */
  public Stream<EventUnstructured> expectedAuditEvents() {
    return LongStream.range(0, timeline.count())
        .mapToObj(index -> WireEvent.decoded(auditEvents.event(index)));
  }

  /** The session ids of all {@code session.upload} events, in order. */
  public List<String> sessionIds() {
    List<String> ids = new ArrayList<>();
    long count = timeline.count();
    for (long i = 0; i < count; i++) {
      if (auditEvents.kindOf(i) == EventKind.SESSION_UPLOAD) {
        ids.add(auditEvents.sessionIdOf(i));
      }
    }
    return ids;
  }

  /** The events of the recording of {@code sessionId}, ignoring the "missing recording" fault. */
  public List<EventUnstructured> expectedSessionEvents(String sessionId) {
    Optional<SessionRecordings.Recording> recording = recordings.lookup(sessionId);
    List<EventUnstructured> events = new ArrayList<>();
    if (recording.isPresent()) {
      Iterator<EventUnstructured> iterator = recordings.events(recording.get(), 0);
      iterator.forEachRemaining(event -> events.add(WireEvent.decoded(event)));
    }
    return events;
  }
}
