package eventhandler.state;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import eventhandler.testing.CapturedLogs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The start-up check of each state file: empty, cut short, garbage, a value from the future. Each
 * case is either repaired (one warning naming the file, the file rewritten to a point that loses
 * nothing) or refused (naming the file and the fix). The end-to-end tests in {@code
 * e2e.DamagedStateTest} count what then arrives.
 */
class StateCheckTest {
  private static final Instant NOW = Instant.parse("2026-12-02T08:00:00Z");
  private static final Instant START = Instant.parse("2026-11-30T00:00:00Z");
  private static final Instant WINDOW = Instant.parse("2026-12-01T00:00:00Z");
  private static final LocalDate DAY = LocalDate.of(2026, 12, 1);
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final String CURSOR = "c2VhcmNoOjEyMzQ";
  private static final String ID = "5b0f6f3e-2f1c-4d1a-9a9e-1c2d3e4f5a6b";

  /** The four kinds of damage. */
  enum Damage {
    EMPTY,
    TRUNCATED,
    GARBAGE,
    FUTURE
  }

  @TempDir Path storage;
  private StateStore store;
  private Path dir;
  private CapturedLogs logs;

  @BeforeEach
  void searchStateOfAnExportPartWay() throws IOException {
    store = StateStore.open(storage, "localhost:3025");
    dir = store.directory();
    store.setStartTime(START);
    store.setLegacyCursor(new LegacyCursor(CURSOR, ID, Optional.of(WINDOW)));
    store.setSessionIndex("s1", 7);
    store.setMissingRecording(
        "s2", new MissingRecording(0, 1, Instant.parse("2026-12-01T10:00:00.5Z")));
    logs = CapturedLogs.of("eventhandler.state.StateCheck");
  }

  @AfterEach
  void stopCapturing() {
    logs.close();
  }

  @Test
  void anIntactDirectoryPassesWithoutAWordAndUnchanged() throws IOException {
    store.check(Optional.empty(), CLOCK);

    assertThat(logs.messages(Level.WARN)).isEmpty();
    assertThat(store.startTime()).contains(START);
    assertThat(store.legacyCursor()).isEqualTo(new LegacyCursor(CURSOR, ID, Optional.of(WINDOW)));
    assertThat(store.sessions()).containsExactly(Map.entry("s1", 7L));
    assertThat(store.cursorDamaged()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Damage.class)
  void aDamagedStartTimeIsRefusedNamingTheFileAndTheFix(Damage damage) throws IOException {
    damageTime("start_time", damage);

    assertRefused("start_time", "Give --start-time");
  }

  @Test
  void aMissingStartTimeBesideAPositionIsNoFirstRun() throws IOException {
    Files.delete(dir.resolve("start_time"));

    assertRefused("start_time", "missing, while the directory holds an export in progress");
  }

  @Test
  void aStartTimeAfterTheWindowIsRefused() throws IOException {
    write("start_time", "2026-12-01T12:00:00Z");

    assertRefused("start_time", "is after window_time 2026-12-01T00:00:00Z");
  }

  @ParameterizedTest
  @EnumSource(Damage.class)
  void aDamagedStartTimeIsReplacedByAGivenStartTime(Damage damage) throws IOException {
    damageTime("start_time", damage);

    store.check(Optional.of(START), CLOCK);

    assertThat(store.startTime()).contains(START);
    assertOneWarningNaming("start_time");
  }

  @Test
  void anEmptyStartTimeWithNothingElseIsAFirstRun() throws IOException {
    StateStore fresh = StateStore.open(storage, "fresh:3025");
    Files.writeString(fresh.directory().resolve("start_time"), "");

    fresh.check(Optional.empty(), CLOCK);

    assertThat(logs.messages(Level.WARN)).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Damage.class)
  void aDamagedWindowTimeIsRefusedOnTheSearchPath(Damage damage) throws IOException {
    damageTime("window_time", damage);

    assertRefused("window_time", "Delete it, with cursor and id");
  }

  @Test
  void aWindowTimeBeforeTheStartTimeIsRefused() throws IOException {
    write("window_time", "2026-11-29T00:00:00Z");

    assertRefused("start_time", "is after window_time");
  }

  @ParameterizedTest
  @EnumSource(Damage.class)
  void aDamagedWindowTimeIsEmptiedOnTheBulkPathWhichDoesNotUseIt(Damage damage) throws IOException {
    store.addDate(DAY);
    damageTime("window_time", damage);

    store.check(Optional.empty(), CLOCK);

    assertThat(store.windowTime()).isEmpty();
    assertOneWarningNaming("window_time");
  }

  @ParameterizedTest
  @EnumSource(
      value = Damage.class,
      names = {"EMPTY", "GARBAGE"})
  void aDamagedCursorMeansTheWindowIsReadAgainUpToTheId(Damage damage) throws IOException {
    write("cursor", damage == Damage.EMPTY ? "" : "\0\0\u00ff\ncursor");

    store.check(Optional.empty(), CLOCK);

    assertThat(store.cursor()).isEmpty();
    assertThat(store.lastId()).isEqualTo(ID);
    assertThat(store.windowTime()).contains(WINDOW);
    if (damage == Damage.GARBAGE) {
      assertThat(store.cursorDamaged()).isTrue();
      assertOneWarningNaming("cursor");
    } else {
      // Empty is also what the first page of a window saves: the pager checks the id is there.
      assertThat(logs.messages(Level.WARN)).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Damage.class,
      names = {"TRUNCATED", "FUTURE"})
  void aCursorThatLooksRightIsLeftForTeleportAndThePagerToJudge(Damage damage) throws IOException {
    String value = damage == Damage.TRUNCATED ? CURSOR.substring(0, 6) : "c2VhcmNoOjk5OTk5OQ";
    write("cursor", value);

    store.check(Optional.empty(), CLOCK);

    assertThat(store.cursor()).isEqualTo(value);
    assertThat(logs.messages(Level.WARN)).isEmpty();
  }

  @Test
  void aGarbageIdIsEmptiedSoTheSavedPageIsSentWhole() throws IOException {
    write("id", "\u0000\u0001 \n");

    store.check(Optional.empty(), CLOCK);

    assertThat(store.lastId()).isEmpty();
    assertThat(store.cursor()).isEqualTo(CURSOR);
    assertOneWarningNaming("id");
  }

  @Test
  void anEmptyIdBesideACursorIsWarnedAbout() throws IOException {
    write("id", "");

    store.check(Optional.empty(), CLOCK);

    assertThat(store.cursor()).isEqualTo(CURSOR);
    assertOneWarningNaming("id");
  }

  @ParameterizedTest
  @EnumSource(
      value = Damage.class,
      names = {"EMPTY", "TRUNCATED", "GARBAGE"})
  void aDamagedSessionIndexMeansTheRecordingIsExportedAgainFromItsStart(Damage damage)
      throws IOException {
    byte[] bytes =
        switch (damage) {
          case EMPTY -> new byte[0];
          case TRUNCATED -> new byte[] {0, 0, 0, 0, 0};
          default -> ByteBuffer.allocate(8).putLong(-4_242_424_242_424L).array();
        };
    Files.write(dir.resolve("sessions1"), bytes);

    store.check(Optional.empty(), CLOCK);

    assertThat(store.sessions()).containsExactly(Map.entry("s1", 0L));
    if (damage == Damage.EMPTY) {
      assertThat(logs.messages(Level.WARN)).as("empty reads as 0, as in Go").isEmpty();
    } else {
      assertOneWarningNaming("sessions1");
    }
  }

  @ParameterizedTest
  @EnumSource(Damage.class)
  void aDamagedMissingRecordingIsLookedForAgainFromItsStart(Damage damage) throws IOException {
    String text =
        switch (damage) {
          case EMPTY -> "";
          case TRUNCATED -> "{\"Index\":0,\"Attem";
          case GARBAGE -> "\u0000\u00ff{]";
          case FUTURE -> "{\"Index\":0,\"Attempt\":1,\"Timestamp\":\"2027-06-01T00:00:00Z\"}";
        };
    write("missing_recordings2", text);

    store.check(Optional.empty(), CLOCK);

    assertThat(store.missingRecordings())
        .containsExactly(Map.entry("s2", new MissingRecording(0, 0, NOW)));
    assertOneWarningNaming("missing_recordings2");
  }

  @ParameterizedTest
  @EnumSource(
      value = Damage.class,
      names = {"EMPTY", "GARBAGE"})
  void aDamagedChunkCursorMeansTheChunkIsExportedAgainFromItsStart(Damage damage)
      throws IOException {
    store.setChunkCursor(DAY, "chunk-a", "ZXhwb3J0OjEy");
    Path file = store.chunkCursorFile(DAY, "chunk-a");
    Files.writeString(file, damage == Damage.EMPTY ? "" : "\u0000\u0000\n\u00ff", UTF_8);

    store.check(Optional.empty(), CLOCK);

    assertThat(file).doesNotExist();
    assertThat(store.chunkCursors(DAY)).isEmpty();
    assertOneWarningNaming("cursor_v2/2026-12-01/chunk-a.chunk");
  }

  @Test
  void aDayAfterTomorrowIsRefused() throws IOException {
    store.addDate(LocalDate.of(2026, 12, 9));

    assertRefused("cursor_v2/2026-12-09", "delete that directory");
  }

  @Test
  void aRefusalChangesNothing() throws IOException {
    write("start_time", "");
    Files.write(dir.resolve("sessions1"), new byte[3]);

    assertThatThrownBy(() -> store.check(Optional.empty(), CLOCK))
        .isInstanceOf(CorruptStateException.class);
    assertThat(Files.readAllBytes(dir.resolve("sessions1"))).hasSize(3);
  }

  private void damageTime(String key, Damage damage) throws IOException {
    String good = Files.readString(dir.resolve(key));
    write(
        key,
        switch (damage) {
          case EMPTY -> "";
          case TRUNCATED -> good.substring(0, 9);
          case GARBAGE -> "\u0000\u00ff\u0007 yesterday";
          case FUTURE -> "2027-01-01T00:00:00Z";
        });
  }

  private void assertRefused(String file, String fix) {
    assertThatThrownBy(() -> store.check(Optional.empty(), CLOCK))
        .isInstanceOf(CorruptStateException.class)
        .hasMessageContaining(dir.resolve(file).toString())
        .hasMessageContaining(fix);
  }

  private void assertOneWarningNaming(String file) {
    List<String> warnings = logs.messages(Level.WARN);
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0)).contains(dir.resolve(file).toString());
  }

  private void write(String key, String text) throws IOException {
    Files.writeString(dir.resolve(key), text, UTF_8);
  }
}
