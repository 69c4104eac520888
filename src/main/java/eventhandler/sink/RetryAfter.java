package eventhandler.sink;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * The {@code Retry-After} header of a 429 or 503 (RFC 9110 10.2.3): seconds, or an HTTP date. A
 * proxy or load balancer in front of Fluentd sends it when it wants clients to wait; Fluentd's
 * in_http itself does not.
 */
final class RetryAfter {
  /** The longest wait taken from a header: a wrong header must not stall the export for hours. */
  static final Duration LONGEST = Duration.ofMinutes(5);

  private RetryAfter() {}

  /** The wait the header asks for, at most {@link #LONGEST}; null when absent or unreadable. */
  static Duration parse(String header, Clock clock) {
    if (header == null || header.isBlank()) {
      return null;
    }
    String text = header.strip();
    Duration wait;
    if (text.chars().allMatch(Character::isDigit)) {
      try {
        wait = Duration.ofSeconds(Long.parseLong(text));
      } catch (NumberFormatException e) {
        wait = LONGEST; // more digits than a long: "a very long time"
      }
    } else {
      try {
        Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        wait = Duration.between(clock.instant(), at);
      } catch (DateTimeParseException e) {
        return null;
      }
    }
    if (wait.isNegative()) {
      return Duration.ZERO;
    }
    return wait.compareTo(LONGEST) > 0 ? LONGEST : wait;
  }
}
