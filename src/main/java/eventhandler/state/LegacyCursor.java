package eventhandler.state;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Resume position of the legacy search-paging export: the page cursor, the id of the last exported
 * event, and the start of the time window being read. Empty strings mean "not set", as in the Go
 * plugin.
 */
public record LegacyCursor(String cursor, String lastId, Optional<Instant> windowStart) {
  public static final LegacyCursor EMPTY = new LegacyCursor("", "", Optional.empty());

  public LegacyCursor {
    Objects.requireNonNull(cursor, "cursor");
    Objects.requireNonNull(lastId, "lastId");
    Objects.requireNonNull(windowStart, "windowStart");
  }

  public boolean isEmpty() {
    return cursor.isEmpty() && lastId.isEmpty() && windowStart.isEmpty();
  }
}
