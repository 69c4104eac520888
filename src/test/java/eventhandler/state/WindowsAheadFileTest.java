package eventhandler.state;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import eventhandler.testing.CapturedLogs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The search catch-up's side file: written private, read back as written; any file that does not
 * parse, or does not follow the Go files beside it, is removed by the start-up check with one
 * warning naming it (the windows are then read again from window_time: duplicates, no gap).
 */
@Timeout(30)
class WindowsAheadFileTest {
  private static final Instant NOW = Instant.parse("2026-12-02T08:00:00Z");
  private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
  private static final Instant T1 = Instant.parse("2026-12-01T01:00:00Z");
  private static final Instant T2 = Instant.parse("2026-12-01T02:30:00.125Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final WindowsAhead AHEAD =
      new WindowsAhead(
          T0,
          List.of("user.login", "session.upload"),
          List.of(
              new WindowsAhead.Window(T0, T1, false, "c2VhcmNoOjEyMzQ", "id-1"),
              new WindowsAhead.Window(T1, T2, true, "", "")));

  @TempDir Path storage;
  private StateStore store;
  private CapturedLogs logs;

  @BeforeEach
  void searchCatchUpPartWay() throws IOException {
    store = StateStore.open(storage, "localhost:3025");
    store.setStartTime(T0);
    store.setWindowTime(Optional.of(T0));
    logs = CapturedLogs.of("eventhandler.state.StateCheck");
  }

  @AfterEach
  void stopCapturing() {
    logs.close();
  }

  private Path file() {
    return store.directory().resolve(WindowsAheadFile.NAME);
  }

  @Test
  void writtenPrivateAndReadBackAsWritten() throws IOException {
    store.setWindowsAhead(Optional.of(AHEAD));

    assertThat(store.windowsAhead()).contains(AHEAD);
    assertThat(Files.getPosixFilePermissions(file()))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    store.check(Optional.empty(), CLOCK);
    assertThat(logs.messages(Level.WARN)).isEmpty();
    assertThat(store.windowsAhead()).contains(AHEAD);

    store.setWindowsAhead(Optional.empty());
    assertThat(file()).doesNotExist();
  }

  @Test
  void aPrefixAfterWindowTimeIsKeptForAllBeforeItWasDelivered() throws IOException {
    // A crash between the side file's write and window_time's.
    WindowsAhead later = new WindowsAhead(T1, List.of(), List.of(AHEAD.windows().get(1)));
    store.setWindowsAhead(Optional.of(later));

    store.check(Optional.empty(), CLOCK);

    assertThat(logs.messages(Level.WARN)).isEmpty();
    assertThat(store.windowsAhead()).contains(later);
  }

  @Test
  void damagedFilesAreRemovedWithOneWarningNamingThem() throws IOException {
    store.setWindowsAhead(Optional.of(AHEAD));
    byte[] whole = Files.readAllBytes(file());
    List<byte[]> damages =
        List.of(
            new byte[0],
            Arrays.copyOf(whole, whole.length / 2),
            "garbage\n\u0000\u0001".getBytes(UTF_8),
            new String(whole, UTF_8)
                .replaceFirst(T1.toString(), "2026-12-01T00:30:00Z")
                .getBytes(UTF_8));
    for (byte[] damage : damages) {
      Files.write(file(), damage);
      int before = logs.messages(Level.WARN).size();

      store.check(Optional.empty(), CLOCK);

      List<String> warnings = logs.messages(Level.WARN);
      assertThat(warnings).hasSize(before + 1);
      assertThat(warnings.get(before)).contains(file().toString()).contains("nothing skipped");
      assertThat(file()).doesNotExist();
    }
  }

  @Test
  void aFileOlderThanTheGoFilesIsRemoved() throws IOException {
    store.setWindowsAhead(Optional.of(AHEAD));
    // The Go plugin ran on since: window_time moved past the side file's prefix.
    store.setWindowTime(Optional.of(T1));

    store.check(Optional.empty(), CLOCK);

    assertThat(logs.messages(Level.WARN)).hasSize(1);
    assertThat(file()).doesNotExist();
  }

  @Test
  void aFileBesideAGoCursorIsRemoved() throws IOException {
    store.setWindowsAhead(Optional.of(AHEAD));
    store.setCursor("c2VhcmNoOjk5");
    store.setLastId("id-9");

    store.check(Optional.empty(), CLOCK);

    assertThat(logs.messages(Level.WARN)).hasSize(1);
    assertThat(file()).doesNotExist();
  }
}
