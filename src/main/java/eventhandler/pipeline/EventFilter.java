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
  public static EventFilter of(
      List<String> types, List<String> skipEvents, List<String> skipSession) {
    return new EventFilter(Set.copyOf(types), Set.copyOf(skipEvents), Set.copyOf(skipSession));
  }

  public boolean exportsAuditEvent(String type) {
    return (types.isEmpty() || types.contains(type)) && !skipEventTypes.contains(type);
  }

  public boolean exportsSessionEvent(String type) {
    return !skipSessionTypes.contains(type);
  }
}
