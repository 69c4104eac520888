package eventhandler.state;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The file {@code windows_ahead} beside the Go plugin's search files: the parallel catch-up's
 * windows ahead of {@code window_time} ({@link WindowsAhead}), as lines of text. The Go plugin
 * ignores it. A file that does not parse, or does not follow the {@code window_time} beside it, is
 * not used: the windows are read again from {@code window_time} (duplicates, never a gap).
 */
final class WindowsAheadFile {
  static final String NAME = "windows_ahead";
  private static final String HEADER = "teleport-event-handler windows ahead v1";
  private static final String EMPTY = "-";

  private final Path file;
  private final StateFiles files;

  WindowsAheadFile(Path dir, StateFiles files) {
    this.file = dir.resolve(NAME);
    this.files = files;
  }

  Path path() {
    return file;
  }

  /** The content; empty when absent. @throws IllegalArgumentException when it does not parse */
  Optional<WindowsAhead> read() throws IOException {
    byte[] bytes = StateFiles.readIfExists(file);
    return bytes == null ? Optional.empty() : Optional.of(parse(bytes));
  }

  void write(WindowsAhead ahead) throws IOException {
    StringBuilder text = new StringBuilder(HEADER).append('\n');
    text.append("prefix ").append(ahead.prefix()).append('\n');
    text.append("types ")
        .append(ahead.types().isEmpty() ? EMPTY : String.join(",", ahead.types()))
        .append('\n');
    for (WindowsAhead.Window w : ahead.windows()) {
      text.append("window ").append(w.start()).append(' ').append(w.end());
      if (w.done()) {
        text.append(" done\n");
      } else {
        text.append(" at ").append(token(w.cursor())).append(' ').append(token(w.lastId()));
        text.append('\n');
      }
    }
    files.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
  }

  void delete() throws IOException {
    StateFiles.delete(file);
  }

  static WindowsAhead parse(byte[] bytes) {
    String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
    if (lines.length < 4 || !lines[0].equals(HEADER) || !lines[lines.length - 1].isEmpty()) {
      throw new IllegalArgumentException("not a complete windows_ahead file of this version");
    }
    Instant prefix = time(field(lines[1], "prefix", 2)[1]);
    String types = field(lines[2], "types", 2)[1];
    List<WindowsAhead.Window> windows = new ArrayList<>();
    Instant next = prefix;
    for (int i = 3; i < lines.length - 1; i++) {
      String[] parts = lines[i].split(" ", -1);
      boolean done = parts.length == 4 && parts[3].equals("done");
      if (!parts[0].equals("window") || !(done || (parts.length == 6 && parts[3].equals("at")))) {
        throw new IllegalArgumentException("line " + (i + 1) + " is not a window");
      }
      Instant start = time(parts[1]);
      Instant end = time(parts[2]);
      if (!start.equals(next) || !end.isAfter(start)) {
        throw new IllegalArgumentException(
            "line " + (i + 1) + ": the windows do not follow each other from the prefix");
      }
      windows.add(
          done
              ? new WindowsAhead.Window(start, end, true, "", "")
              : new WindowsAhead.Window(start, end, false, untoken(parts[4]), untoken(parts[5])));
      next = end;
    }
    return new WindowsAhead(
        prefix, types.equals(EMPTY) ? List.of() : Arrays.asList(types.split(",")), windows);
  }

  private static String[] field(String line, String name, int count) {
    String[] parts = line.split(" ", -1);
    if (parts.length != count || !parts[0].equals(name)) {
      throw new IllegalArgumentException("expected the line '" + name + " ...'");
    }
    return parts;
  }

  private static Instant time(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("not a time: " + TimeFile.describe(text.getBytes()));
    }
  }

  private static String token(String value) {
    if (value.isEmpty()) {
      return EMPTY;
    }
    if (value.equals(EMPTY) || !StateFiles.isToken(value.getBytes(StandardCharsets.UTF_8), 65536)) {
      throw new IllegalArgumentException("not a cursor or id that can be saved: " + value);
    }
    return value;
  }

  private static String untoken(String value) {
    if (value.equals(EMPTY)) {
      return "";
    }
    if (!StateFiles.isToken(value.getBytes(StandardCharsets.UTF_8), 65536)) {
      throw new IllegalArgumentException("not a cursor or id");
    }
    return value;
  }
}
