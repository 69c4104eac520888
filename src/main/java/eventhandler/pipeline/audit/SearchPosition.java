package eventhandler.pipeline.audit;

import eventhandler.state.LegacyCursor;
import java.time.Instant;
import java.util.Optional;

/**
 * Where search paging resumes, in the Go plugin's terms: the start of the time window, the page
 * cursor of the request that returned the last exported event, and that event's id (events up to it
 * in the re-fetched page are skipped).
 */
public record SearchPosition(Instant windowStart, String cursor, String lastId) {
  /**
   * This position in the Go plugin's state files ({@code window_time}, {@code cursor}, {@code id}).
   */
  public LegacyCursor legacyCursor() {
    return new LegacyCursor(cursor, lastId, Optional.of(windowStart));
  }
}
