package eventhandler.pipeline.audit;

import eventhandler.teleport.EventPage;
import eventhandler.teleport.TeleportEvent;
import eventhandler.teleport.proto.auditlog.EventUnstructured;
import java.util.List;

/** Search pages for the tests, from events whose bodies are already decoded. */
final class Pages {
  private Pages() {}

  static EventPage decoded(List<EventUnstructured> events, String nextKey) {
    return new EventPage(events.stream().map(TeleportEvent::of).toList(), nextKey);
  }
}
