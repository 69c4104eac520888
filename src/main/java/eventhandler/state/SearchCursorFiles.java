package eventhandler.state;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Where search paging resumes: {@code window_time} (start of the time window being read), {@code
 * cursor} (the page cursor of the request that returned the last exported event) and {@code id}
 * (that event's id). Empty strings mean "not set", as in the Go plugin.
 */
final class SearchCursorFiles {
  static final String WINDOW_TIME = "window_time";
  static final String CURSOR = "cursor";
  static final String LAST_ID = "id";

  /** Teleport's cursors are a few hundred bytes; far more is not one. */
  static final int MAX_CURSOR_BYTES = 64 * 1024;

  static final int MAX_ID_BYTES = 1024;

  private final Path dir;
  private final StateFiles files;
  private final TimeFile windowTime;

  SearchCursorFiles(Path dir, StateFiles files) {
    this.dir = dir;
    this.files = files;
    this.windowTime = new TimeFile(dir.resolve(WINDOW_TIME), files);
  }

  TimeFile windowTimeFile() {
    return windowTime;
  }

  Path cursorFile() {
    return dir.resolve(CURSOR);
  }

  Path idFile() {
    return dir.resolve(LAST_ID);
  }

  Optional<Instant> windowTime() throws IOException {
    return windowTime.value(
        "Delete it, together with cursor and id, to read again from start_time");
  }

  void setWindowTime(Optional<Instant> time) throws IOException {
    windowTime.write(time);
  }

  String cursor() throws IOException {
    return readString(cursorFile());
  }

  void setCursor(String cursor) throws IOException {
    files.write(cursorFile(), cursor.getBytes(StandardCharsets.UTF_8));
  }

  String lastId() throws IOException {
    return readString(idFile());
  }

  void setLastId(String id) throws IOException {
    files.write(idFile(), id.getBytes(StandardCharsets.UTF_8));
  }

  /** Raw bytes of {@code cursor} or {@code id}, null when absent (for the start-up check). */
  static byte[] raw(Path file) throws IOException {
    return StateFiles.readIfExists(file);
  }

  /** Why {@code bytes} cannot be a cursor Teleport issued; null when it can be (or is empty). */
  static String cursorProblem(byte[] bytes) {
    return bytes.length == 0 || StateFiles.isToken(bytes, MAX_CURSOR_BYTES)
        ? null
        : "not a page cursor Teleport issues (printable text without spaces), found "
            + TimeFile.describe(bytes);
  }

  /** Why {@code bytes} cannot be an event id; null when it can be (or is empty). */
  static String idProblem(byte[] bytes) {
    return bytes.length == 0 || StateFiles.isToken(bytes, MAX_ID_BYTES)
        ? null
        : "not an event id (printable text without spaces), found " + TimeFile.describe(bytes);
  }

  private static String readString(Path file) throws IOException {
    byte[] bytes = StateFiles.readIfExists(file);
    return bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
  }
}
