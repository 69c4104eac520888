package eventhandler.pipeline.audit;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import eventhandler.teleport.EventPage;
import eventhandler.teleport.proto.auditlog.EventUnstructured;
import eventhandler.testing.CapturedLogs;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The warnings of a resume name the file the position was read from. */
class SearchResumeTest {
  private static final Instant START = Instant.parse("2024-03-10T00:00:00Z");
  private static final EventPage WITHOUT_THE_ID =
      Pages.decoded(List.of(EventUnstructured.newBuilder().setId("other").build()), "");

  @Test
  void aGoCursorThatMissesItsIdNamesTheGoFiles() {
    SearchResume resume =
        new SearchResume(
            new SearchPosition(START, "c1", "e7"),
            false,
            SearchResume.SavedIn.goFiles(Path.of("storage", "dir")));
    try (CapturedLogs logs = CapturedLogs.of(SearchResume.class.getName())) {
      assertThat(resume.readAgainFrom(WITHOUT_THE_ID, "e7", START))
          .contains(new SearchPosition(START, "", ""));
      assertThat(logs.messages(Level.WARN))
          .singleElement()
          .asString()
          .contains(Path.of("storage", "dir", "cursor").toString())
          .contains(Path.of("storage", "dir", "id").toString());
    }
  }

  @Test
  void aWindowAheadThatMissesItsIdNamesTheSideFileAndTheWindow() {
    Path side = Path.of("storage", "dir", "windows_ahead");
    Instant end = START.plusSeconds(3600);
    SearchResume resume =
        new SearchResume(
            new SearchPosition(START, "c1", "e7"),
            false,
            SearchResume.SavedIn.window(side, START, end));
    try (CapturedLogs logs = CapturedLogs.of(SearchResume.class.getName())) {
      assertThat(resume.readAgainFrom(WITHOUT_THE_ID, "e7", START)).isPresent();
      assertThat(logs.messages(Level.WARN))
          .singleElement()
          .asString()
          .contains(side + " (window " + START + " to " + end + ")")
          .doesNotContain(Path.of("storage", "dir", "cursor").toString());
    }
  }
}
