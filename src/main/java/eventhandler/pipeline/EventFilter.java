package eventhandler.pipeline;

import java.util.List;
import java.util.Set;

/**
 * Which events are exported: {@code --types} (empty means all) and the skip lists. On the search
 * path the types are also sent to Teleport; applying them here as well makes bulk export honour
 * them too (the Go plugin forgot them there).
 */
public record EventFilter(
    Set<String> types, Set<String> skipEventTypes, Set<String> skipSessionTypes) {
  /** From {@code --types}, {@code --skip-event-types} and {@code --skip-session-types}. */
  public static EventFilter of(
      List<String> types, List<String> skipEvents, List<String> skipSession) {
    return new EventFilter(Set.copyOf(types), Set.copyOf(skipEvents), Set.copyOf(skipSession));
  }

  /** Listed in {@code --types} (or it is empty) and not in {@code --skip-event-types}. */
  public boolean exportsAuditEvent(String type) {
    return (types.isEmpty() || types.contains(type)) && !skipEventTypes.contains(type);
  }

  /** Not in {@code --skip-session-types}. */
  public boolean exportsSessionEvent(String type) {
    return !skipSessionTypes.contains(type);
  }
}
