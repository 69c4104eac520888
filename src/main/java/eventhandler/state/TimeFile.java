package eventhandler.state;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * {@code start_time} and {@code window_time}: RFC 3339 text truncated to seconds, written in UTC.
 * Go writes "" (or its zero time) for "not set"; anything else that is not a time is damage.
 */
final class TimeFile {
  /** What a time file holds. */
  enum Kind {
    ABSENT,
    NOT_SET,
    TIME,
    DAMAGED
  }

  /** The content of a time file; {@code time} only for TIME, {@code problem} only for DAMAGED. */
  record Content(Kind kind, Instant time, String problem) {
    Optional<Instant> value() {
      return Optional.ofNullable(time);
    }
  }

  private final Path file;
  private final StateFiles files;

  TimeFile(Path file, StateFiles files) {
    this.file = file;
    this.files = files;
  }

  Path path() {
    return file;
  }

  Content read() throws IOException {
    byte[] bytes = StateFiles.readIfExists(file);
    if (bytes == null) {
      return new Content(Kind.ABSENT, null, null);
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (text.isBlank()) {
      return new Content(Kind.NOT_SET, null, null);
    }
    Instant instant;
    try {
      instant = GoTimeText.parse(text);
    } catch (DateTimeParseException e) {
      return new Content(
          Kind.DAMAGED,
          null,
          "expected an RFC 3339 time such as 2021-05-05T00:00:00Z, found " + describe(bytes));
    }
    if (instant.equals(GoTimeText.GO_ZERO_TIME)) {
      return new Content(Kind.NOT_SET, null, null);
    }
    return new Content(Kind.TIME, GoTimeText.truncateToSeconds(instant), null);
  }

  /** The time, empty when not set; damage throws, naming the file and {@code remedy}. */
  Optional<Instant> value(String remedy) throws IOException {
    Content content = read();
    if (content.kind() == Kind.DAMAGED) {
      throw new CorruptStateException(file, content.problem(), remedy);
    }
    return content.value();
  }

  void write(Optional<Instant> time) throws IOException {
    files.write(
        file,
        time.map(t -> GoTimeText.formatSeconds(t).getBytes(StandardCharsets.UTF_8))
            .orElse(new byte[0]));
  }

  /** A short, printable account of what a damaged file holds. */
  static String describe(byte[] bytes) {
    StringBuilder shown = new StringBuilder("\"");
    String text = new String(bytes, StandardCharsets.UTF_8);
    text.codePoints()
        .limit(40)
        .forEach(
            c -> {
              if (c == 0xFFFD) {
                shown.append('?'); // a byte that is not UTF-8
              } else if (c < 0x20 || c == 0x7f) {
                shown.append(String.format("\\x%02x", c & 0xff));
              } else {
                shown.appendCodePoint(c);
              }
            });
    if (text.codePointCount(0, text.length()) > 40) {
      shown.append("...");
    }
    return shown.append("\" (").append(bytes.length).append(" bytes)").toString();
  }
}
