package eventhandler.pipeline.audit;

import eventhandler.teleport.EventPage;
import eventhandler.teleport.TeleportEvent;
import eventhandler.teleport.TeleportException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Judges the first pages after a restart against the saved search position, so that a damaged
 * {@code cursor} or {@code id} costs duplicates, never a skipped event. The page at the saved
 * cursor must hold the saved id (it is the page that id was read from); if it does not, one of the
 * two is wrong, and the window is read again from its start with nothing skipped. A cursor the
 * start-up check found damaged, or one Teleport refuses, is replaced by a read of the window from
 * its start that skips the events up to the saved id (all of the window if the id is not in it).
 */
final class SearchResume {
  private static final Logger LOG = LoggerFactory.getLogger(SearchResume.class);

  /** What to do with a page just read. */
  enum Verdict {
    /** Use the page as usual (events up to the last read id are skipped). */
    USE,
    /** Skip the whole page: the saved id is further on. */
    SKIP_PAGE,
    /** Read the window again from its start, nothing skipped. */
    RESTART_WINDOW
  }

  private enum Mode {
    DONE,
    VERIFY,
    SEEK
  }

  /** Where the resumed position is kept, as the warnings name it. */
  record SavedIn(String cursor, String id) {
    /** The Go plugin's files {@code cursor} and {@code id} in {@code directory}. */
    static SavedIn goFiles(Path directory) {
      return new SavedIn(
          directory.resolve("cursor").toString(), directory.resolve("id").toString());
    }

    /** One catch-up window's entry in the side file {@code sideFile}. */
    static SavedIn window(Path sideFile, Instant start, Instant end) {
      String entry = sideFile + " (window " + start + " to " + end + ")";
      return new SavedIn(entry, entry);
    }
  }

  private final String savedCursor;
  private final SavedIn savedIn;
  private Mode mode;

  /**
   * @param saved the position read from the state
   * @param cursorDamaged whether the start-up check found the saved cursor damaged (and emptied it)
   * @param savedIn where the position is kept, for the warnings
   */
  SearchResume(SearchPosition saved, boolean cursorDamaged, SavedIn savedIn) {
    this.savedCursor = saved.cursor() == null ? "" : saved.cursor();
    this.savedIn = savedIn;
    boolean hasId = saved.lastId() != null && !saved.lastId().isEmpty();
    this.mode = !hasId ? Mode.DONE : cursorDamaged ? Mode.SEEK : Mode.VERIFY;
  }

  /**
   * Whether {@code e}, thrown for a request with {@code requestCursor}, is Teleport refusing the
   * saved cursor; if so the pager reads the window again from its start (seeking the saved id).
   */
  boolean refusedSavedCursor(String requestCursor, TeleportException e, String lastId) {
    boolean refusal =
        e.kind() == TeleportException.Kind.BAD_PARAMETER
            || e.kind() == TeleportException.Kind.NOT_FOUND;
    if (!refusal || requestCursor.isEmpty() || !requestCursor.equals(savedCursor)) {
      return false;
    }
    LOG.warn(
        "Teleport refuses the page cursor saved in {} ({}); the window is read again from"
            + " its start{}",
        savedIn.cursor(),
        e.getMessage(),
        lastId.isEmpty() ? ", all of it sent again" : ", skipping the events up to the saved id");
    mode = lastId.isEmpty() ? Mode.DONE : Mode.SEEK;
    return true;
  }

  /**
   * Where to read from instead of using {@code page}: the next page (the saved id is further on),
   * or the window again from its start; empty when the page is used as it is.
   */
  Optional<SearchPosition> readAgainFrom(EventPage page, String lastId, Instant windowStart) {
    return switch (judge(page, lastId, windowStart)) {
      case USE -> Optional.empty();
      case SKIP_PAGE -> Optional.of(new SearchPosition(windowStart, page.nextKey(), lastId));
      case RESTART_WINDOW -> Optional.of(new SearchPosition(windowStart, "", ""));
    };
  }

  private Verdict judge(EventPage page, String lastId, Instant windowStart) {
    switch (mode) {
      case VERIFY -> {
        mode = Mode.DONE;
        if (holds(page.events(), lastId)) {
          return Verdict.USE;
        }
        LOG.warn(
            "the page at the cursor saved in {} does not hold the event saved in {}, so"
                + " one of them is wrong; the window from {} is read again, all of it sent again",
            savedIn.cursor(),
            savedIn.id(),
            windowStart);
        return Verdict.RESTART_WINDOW;
      }
      case SEEK -> {
        if (holds(page.events(), lastId)) {
          mode = Mode.DONE;
          return Verdict.USE;
        }
        if (!page.nextKey().isEmpty()) {
          return Verdict.SKIP_PAGE;
        }
        mode = Mode.DONE;
        LOG.warn(
            "the event saved in {} is not in the window from {}; all of the window is sent"
                + " again",
            savedIn.id(),
            windowStart);
        return Verdict.RESTART_WINDOW;
      }
      default -> {
        return Verdict.USE;
      }
    }
  }

  private static boolean holds(List<TeleportEvent> events, String id) {
    return events.stream().anyMatch(event -> event.id().equals(id));
  }
}
