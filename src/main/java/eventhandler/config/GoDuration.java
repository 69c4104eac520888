package eventhandler.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;

/**
 * Durations written the way Go's {@code time.ParseDuration} reads them and {@code
 * Duration.String()} prints them: {@code 500ms}, {@code 10s}, {@code 1m30s}, {@code 24h}, {@code
 * 1h2m3.5s}, {@code 0}. Units are {@code ns us µs ms s m h}. Existing configuration files of the Go
 * plugin use this syntax, so it is the only syntax accepted.
 */
public final class GoDuration {
  private static final Map<String, Long> NANOS_PER_UNIT =
      Map.of(
          "ns", 1L,
          "us", 1_000L,
          "\u00b5s", 1_000L, // micro sign, as Go prints it
          "\u03bcs", 1_000L, // Greek small letter mu, which Go also accepts
          "ms", 1_000_000L,
          "s", 1_000_000_000L,
          "m", 60_000_000_000L,
          "h", 3_600_000_000_000L);

  /** Go durations are int64 nanoseconds; larger values are rejected as Go rejects them. */
  private static final BigInteger MAX_NANOS = BigInteger.valueOf(Long.MAX_VALUE);

  private GoDuration() {}

  /**
   * Parses a Go duration. Surrounding whitespace is ignored; anything else Go refuses is refused.
   *
   * @throws IllegalArgumentException with a message that quotes the input and says what is wrong
   */
  public static Duration parse(String text) {
    String original = text;
    String s = text.strip();
    boolean negative = false;
    if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
      negative = s.charAt(0) == '-';
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    if (s.isEmpty()) {
      throw invalid(original);
    }
    BigInteger total = BigInteger.ZERO;
    int i = 0;
    while (i < s.length()) {
      char first = s.charAt(i);
      if (first != '.' && !isDigit(first)) {
        throw invalid(original);
      }
      int numberStart = i;
      while (i < s.length() && isDigit(s.charAt(i))) {
        i++;
      }
      boolean digitsBeforePoint = i > numberStart;
      boolean digitsAfterPoint = false;
      if (i < s.length() && s.charAt(i) == '.') {
        i++;
        int fractionStart = i;
        while (i < s.length() && isDigit(s.charAt(i))) {
          i++;
        }
        digitsAfterPoint = i > fractionStart;
      }
      if (!digitsBeforePoint && !digitsAfterPoint) {
        throw invalid(original);
      }
      BigDecimal number = new BigDecimal(normalizeNumber(s.substring(numberStart, i)));
      int unitStart = i;
      while (i < s.length() && s.charAt(i) != '.' && !isDigit(s.charAt(i))) {
        i++;
      }
      if (unitStart == i) {
        throw new IllegalArgumentException(
            "missing unit in duration \"" + original + "\" (use ns, us, ms, s, m or h, e.g. 10s)");
      }
      String unit = s.substring(unitStart, i);
      Long nanosPerUnit = NANOS_PER_UNIT.get(unit);
      if (nanosPerUnit == null) {
        throw new IllegalArgumentException(
            "unknown unit \""
                + unit
                + "\" in duration \""
                + original
                + "\" (use ns, us, ms, s, m or h)");
      }
      // Fractions below one nanosecond are dropped, as in Go.
      total = total.add(number.multiply(BigDecimal.valueOf(nanosPerUnit)).toBigInteger());
      if (total.compareTo(MAX_NANOS) > 0) {
        throw new IllegalArgumentException(
            "duration \"" + original + "\" is too long (at most 2562047h)");
      }
    }
    Duration result = Duration.ofNanos(total.longValueExact());
    return negative ? result.negated() : result;
  }

  /**
   * Formats like Go's {@code Duration.String()}: {@code 0s}, {@code 1.5ms}, {@code 1m30s}, {@code
   * 24h0m0s}. The output always parses back to the same duration.
   */
  public static String format(Duration duration) {
    if (duration.isZero()) {
      return "0s";
    }
    boolean negative = duration.isNegative();
    Duration magnitude = negative ? duration.negated() : duration;
    StringBuilder out = new StringBuilder();
    if (negative) {
      out.append('-');
    }
    if (magnitude.compareTo(Duration.ofSeconds(1)) < 0) {
      long nanos = magnitude.toNanos();
      if (nanos < 1_000) {
        out.append(nanos).append("ns");
      } else if (nanos < 1_000_000) {
        out.append(decimal(nanos, 3)).append("\u00b5s");
      } else {
        out.append(decimal(nanos, 6)).append("ms");
      }
      return out.toString();
    }
    long seconds = magnitude.getSeconds();
    long hours = seconds / 3600;
    long minutes = (seconds % 3600) / 60;
    long wholeSeconds = seconds % 60;
    if (hours > 0) {
      out.append(hours).append('h');
    }
    if (hours > 0 || minutes > 0) {
      out.append(minutes).append('m');
    }
    out.append(decimal(wholeSeconds * 1_000_000_000L + magnitude.getNano(), 9)).append('s');
    return out.toString();
  }

  /** {@code value / 10^digits} without trailing zeros, e.g. (1500, 3) gives "1.5". */
  private static String decimal(long value, int digits) {
    return BigDecimal.valueOf(value, digits).stripTrailingZeros().toPlainString();
  }

  /** BigDecimal refuses "5." and ".5"; Go accepts both. */
  private static String normalizeNumber(String number) {
    String n = number.startsWith(".") ? "0" + number : number;
    return n.endsWith(".") ? n + "0" : n;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static IllegalArgumentException invalid(String original) {
    return new IllegalArgumentException(
        "invalid duration \"" + original + "\" (expected e.g. 500ms, 10s, 1m30s or 24h)");
  }
}
