package eventhandler.teleport;

import java.util.List;

/** A page of audit events and the key of the next page ({@code ""} when there is none). */
public record EventPage(List<TeleportEvent> events, String nextKey) {
  public EventPage {
    events = List.copyOf(events);
    nextKey = nextKey == null ? "" : nextKey;
  }
}
