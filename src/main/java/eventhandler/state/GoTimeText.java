package eventhandler.state;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * Time text as the Go plugin writes it: {@code time.RFC3339} for start/window times and {@code
 * time.RFC3339Nano} (fraction without trailing zeros) inside JSON. Always written in UTC ({@code
 * Z}); any RFC 3339 offset and fraction is accepted on read.
 */
final class GoTimeText {
  /** Go's zero {@code time.Time}; the Go plugin treats it as "not set". */
  static final Instant GO_ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

  private GoTimeText() {}

  /** {@code 2021-05-05T00:00:00Z}: RFC 3339, truncated to whole seconds, UTC. */
  static String formatSeconds(Instant instant) {
    return SECONDS.format(LocalDateTime.ofInstant(instant, ZoneOffset.UTC)) + "Z";
  }

  /** {@code 2021-05-05T00:00:00.12Z}: RFC 3339 with the fraction Go's RFC3339Nano prints. */
  static String formatNano(Instant instant) {
    StringBuilder text =
        new StringBuilder(SECONDS.format(LocalDateTime.ofInstant(instant, ZoneOffset.UTC)));
    int nanos = instant.getNano();
    if (nanos != 0) {
      String fraction = String.format("%09d", nanos);
      int end = fraction.length();
      while (fraction.charAt(end - 1) == '0') {
        end--;
      }
      text.append('.').append(fraction, 0, end);
    }
    return text.append('Z').toString();
  }

  /** Parses RFC 3339 with or without fraction, with {@code Z} or a numeric offset. */
  static Instant parse(String text) throws DateTimeParseException {
    return OffsetDateTime.parse(text.strip(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
  }

  static Instant truncateToSeconds(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS);
  }
}
