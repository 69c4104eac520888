package eventhandler.pipeline.audit;

import static org.assertj.core.api.Assertions.assertThat;

import eventhandler.state.StateStore;
import eventhandler.state.WindowsAhead;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WindowBookTest {
  private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
  private static final List<String> TYPES = List.of();

  @TempDir Path dir;

  @Test
  void aWindowResumedAtTheGoFilesCursorNamesTheGoFilesInItsWarnings() throws Exception {
    StateStore state = StateStore.openDirectory(dir.resolve("state"));
    WindowBook book = book(state, new SearchPosition(T0, "c1", "id1"), Optional.empty());

    WindowBook.Entry first = book.next();
    assertThat(first.start).isEqualTo(T0);
    assertThat(first.resumeFrom.cursor()).isEqualTo("c1");
    assertThat(first.savedIn.cursor()).isEqualTo(state.directory().resolve("cursor").toString());
    assertThat(first.savedIn.id()).isEqualTo(state.directory().resolve("id").toString());

    WindowBook.Entry cut = book.next();
    assertThat(cut.start).isEqualTo(first.end);
    assertThat(cut.savedIn.cursor())
        .startsWith(state.windowsAheadFile().toString())
        .contains("window " + cut.start + " to " + cut.end);
  }

  @Test
  void aWindowCarriedFromTheSideFileNamesItsEntryThere() throws Exception {
    StateStore state = StateStore.openDirectory(dir.resolve("state"));
    Instant mid = T0.plus(Duration.ofHours(1));
    WindowsAhead ahead =
        new WindowsAhead(
            T0,
            TYPES,
            List.of(
                new WindowsAhead.Window(T0, mid, true, "", ""),
                new WindowsAhead.Window(mid, mid.plusSeconds(3600), false, "c2", "id2")));
    WindowBook book = book(state, new SearchPosition(T0, "", ""), Optional.of(ahead));

    WindowBook.Entry carried = book.next();
    assertThat(carried.start).isEqualTo(mid);
    assertThat(carried.resumeFrom.lastId()).isEqualTo("id2");
    String entry =
        state.windowsAheadFile() + " (window " + mid + " to " + mid.plusSeconds(3600) + ")";
    assertThat(carried.savedIn.cursor()).isEqualTo(entry);
    assertThat(carried.savedIn.id()).isEqualTo(entry);
  }

  /** A day from T0 in windows of at most 6 h, for 4 readers of 100-event pages. */
  private static WindowBook book(
      StateStore state, SearchPosition from, Optional<WindowsAhead> ahead) {
    return new WindowBook(
        state, TYPES, from, ahead, T0.plus(Duration.ofDays(1)), Duration.ofHours(6), 4, 100);
  }
}
