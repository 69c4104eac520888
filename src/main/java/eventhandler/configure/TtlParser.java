package eventhandler.configure;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Map;

/**
 * Parses a Go duration string ({@code time.ParseDuration}): an optional sign, then one or more
 * decimal numbers, each with an optional fraction and a unit: {@code ns}, {@code us} ({@code µs}),
 * {@code ms}, {@code s}, {@code m}, {@code h}. Examples: {@code 87600h}, {@code 1h30m}, {@code
 * 1.5h}, {@code 300ms}. A bare {@code 0} is allowed, as in Go.
 *
 * <p>Kept small and local to {@code configure} for {@code --ttl}; to be unified with the settings'
 * Go-duration parser.
 */
public final class TtlParser {
  private static final Map<String, Long> NANOS_PER_UNIT =
      Map.of(
          "ns", 1L,
          "us", 1_000L,
          "\u00b5s", 1_000L, // micro sign
          "\u03bcs", 1_000L, // Greek small letter mu
          "ms", 1_000_000L,
          "s", 1_000_000_000L,
          "m", 60_000_000_000L,
          "h", 3_600_000_000_000L);

  private static final BigInteger MAX_NANOS = BigInteger.valueOf(Long.MAX_VALUE);

  private TtlParser() {}

  /**
   * The duration {@code text} stands for.
   *
   * @throws IllegalArgumentException naming the text and the problem
   */
  public static Duration parse(String text) {
    if (text == null || text.isEmpty()) {
      throw invalid(text, "it is empty");
    }
    int pos = 0;
    boolean negative = false;
    if (text.charAt(0) == '-' || text.charAt(0) == '+') {
      negative = text.charAt(0) == '-';
      pos = 1;
    }
    if (text.substring(pos).equals("0")) {
      return Duration.ZERO;
    }
    if (pos == text.length()) {
      throw invalid(text, "a number is missing");
    }
    BigDecimal totalNanos = BigDecimal.ZERO;
    while (pos < text.length()) {
      int numberStart = pos;
      while (pos < text.length() && isNumberChar(text.charAt(pos))) {
        pos++;
      }
      String number = text.substring(numberStart, pos);
      if (number.isEmpty()
          || number.equals(".")
          || number.indexOf('.') != number.lastIndexOf('.')) {
        throw invalid(text, "expected a number at position " + (numberStart + 1));
      }
      int unitStart = pos;
      while (pos < text.length() && !isNumberChar(text.charAt(pos))) {
        pos++;
      }
      String unit = text.substring(unitStart, pos);
      if (unit.isEmpty()) {
        throw invalid(text, "the unit is missing after " + number + " (use h, m, s, ms, us or ns)");
      }
      Long nanosPerUnit = NANOS_PER_UNIT.get(unit);
      if (nanosPerUnit == null) {
        throw invalid(text, "unknown unit '" + unit + "' (use h, m, s, ms, us or ns)");
      }
      BigDecimal value = new BigDecimal(number.startsWith(".") ? "0" + number : number);
      totalNanos = totalNanos.add(value.multiply(BigDecimal.valueOf(nanosPerUnit)));
    }
    BigInteger nanos = totalNanos.setScale(0, RoundingMode.DOWN).toBigIntegerExact();
    if (nanos.compareTo(MAX_NANOS) > 0) {
      throw invalid(text, "it is too long (at most about 2562047h)");
    }
    long result = nanos.longValueExact();
    return Duration.ofNanos(negative ? -result : result);
  }

  private static boolean isNumberChar(char c) {
    return (c >= '0' && c <= '9') || c == '.';
  }

  private static IllegalArgumentException invalid(String text, String problem) {
    return new IllegalArgumentException(
        "invalid duration '" + text + "': " + problem + "; examples: 87600h, 720h, 1h30m");
  }
}
