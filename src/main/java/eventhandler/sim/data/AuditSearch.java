package eventhandler.sim.data;

import com.google.protobuf.Timestamp;
import eventhandler.teleport.proto.auditlog.EventsUnstructured;
import eventhandler.teleport.proto.auditlog.GetUnstructuredEventsRequest;
import io.grpc.Status;
import io.grpc.StatusException;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One page of {@code GetUnstructuredEvents} with Teleport's limits: at most {@value #MAX_LIMIT}
 * events a page, a cursor past the last event examined, and a scan budget per call.
 */
final class AuditSearch {
  static final int DEFAULT_LIMIT = 500;
  static final int MAX_LIMIT = 10_000;

  /**
   * Events examined per search call at most; like DynamoDB, a sparse filter may then return a short
   * page with a cursor, which clients must handle.
   */
  static final int SCAN_BUDGET = 250_000;

  private final AuditEvents events;

  AuditSearch(AuditEvents events) {
    this.events = events;
  }

  EventsUnstructured search(GetUnstructuredEventsRequest request) throws StatusException {
    int limit = request.getLimit();
    if (limit > MAX_LIMIT) {
      throw Status.INVALID_ARGUMENT
          .withDescription(
              "limit " + limit + " exceeds the maximum of " + MAX_LIMIT + " events per page")
          .asException();
    }
    if (limit <= 0) {
      limit = DEFAULT_LIMIT;
    }
    Set<String> types = Set.copyOf(request.getEventTypesList());
    EventTimeline timeline = events.timeline();
    long startMillis = ceilMillis(request.getStartDate());
    long endMillis = ceilMillis(request.getEndDate());
    long lo = timeline.firstIndexAtOrAfter(startMillis);
    long hi = endMillis <= startMillis ? lo : timeline.firstIndexAtOrAfter(endMillis);
    OptionalLong cursor = OptionalLong.empty();
    if (!request.getStartKey().isEmpty()) {
      cursor = Cursors.decode(Cursors.SEARCH, request.getStartKey());
      if (cursor.isEmpty()) {
        throw Status.INVALID_ARGUMENT
            .withDescription("start_key is not a cursor this server issued")
            .asException();
      }
    }
    // The Go client sends 0 for ascending (it casts its own order type, where ascending is 0),
    // and the server casts back, so 1 means descending here.
    boolean descending = request.getOrderValue() == 1;
    EventsUnstructured.Builder page = EventsUnstructured.newBuilder();
    int scanned = 0;
    if (!descending) {
      long i = cursor.isPresent() ? Math.max(cursor.getAsLong(), lo) : lo;
      for (; i < hi && page.getItemsCount() < limit && scanned < SCAN_BUDGET; i++, scanned++) {
        if (types.isEmpty() || types.contains(events.typeOf(i))) {
          page.addItems(events.event(i));
        }
      }
      if (i < hi) {
        page.setLastKey(Cursors.encode(Cursors.SEARCH, i));
      }
    } else {
      long i = cursor.isPresent() ? Math.min(cursor.getAsLong(), hi) : hi;
      for (; i > lo && page.getItemsCount() < limit && scanned < SCAN_BUDGET; i--, scanned++) {
        if (types.isEmpty() || types.contains(events.typeOf(i - 1))) {
          page.addItems(events.event(i - 1));
        }
      }
      if (i > lo) {
        page.setLastKey(Cursors.encode(Cursors.SEARCH, i));
      }
    }
    return page.build();
  }

  /** Milliseconds, rounded up, so "time >= t" compares exactly against millisecond times. */
  static long ceilMillis(Timestamp timestamp) {
    return timestamp.getSeconds() * 1000 + (timestamp.getNanos() + 999_999) / 1_000_000;
  }
}
