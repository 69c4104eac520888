package eventhandler.state;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the search export's parallel catch-up has delivered beyond the Go-format prefix: the time
 * windows from {@code prefix} (the Go plugin's {@code window_time}) onwards, each done or resumed
 * from its own page cursor. Only true statements about delivered events are ever written here, so
 * using it can skip nothing; ignoring it costs duplicates at most.
 *
 * @param prefix the {@code window_time} written with it; the windows follow it without a gap
 * @param types the {@code --types} the windows were read with (empty: all types)
 */
public record WindowsAhead(Instant prefix, List<String> types, List<Window> windows) {
  /**
   * One window {@code [start, end)} read as one query; {@code cursor} and {@code lastId} locate the
   * last delivered event as in the Go files (empty: nothing delivered yet).
   */
  public record Window(Instant start, Instant end, boolean done, String cursor, String lastId) {
    public Window {
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(end, "end");
      cursor = Objects.requireNonNullElse(cursor, "");
      lastId = Objects.requireNonNullElse(lastId, "");
    }
  }

  public WindowsAhead {
    Objects.requireNonNull(prefix, "prefix");
    types = List.copyOf(types);
    windows = List.copyOf(windows);
  }

  /** Where the windows end: the time up to which the catch-up had planned. */
  public Instant end() {
    return windows.isEmpty() ? prefix : windows.get(windows.size() - 1).end();
  }
}
