package eventhandler.teleport;

import eventhandler.teleport.proto.auditlog.EventUnstructured;
import java.util.List;

/** A page of audit events and the key of the next page ({@code ""} when there is none). */
public record EventPage(List<TeleportEvent> events, String nextKey) {
  public EventPage {
    events = List.copyOf(events);
    nextKey = nextKey == null ? "" : nextKey;
  }

  /** A page of events whose bodies are already decoded (tests, and clients other than gRPC's). */
  public static EventPage decoded(List<EventUnstructured> events, String nextKey) {
    return new EventPage(events.stream().map(TeleportEvent::of).toList(), nextKey);
  }
}
