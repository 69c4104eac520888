package eventhandler.config;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes in bytes: a plain number ({@code 4194304}) or a number with a unit ({@code 512KiB}, {@code
 * 4MiB}, {@code 1GiB}; {@code KB}, {@code MB}, {@code GB} are powers of 1000). Only whole byte
 * counts are accepted.
 */
public final class ByteSize {
  public static final long KIB = 1024;
  public static final long MIB = 1024 * KIB;
  public static final long GIB = 1024 * MIB;

  private static final Pattern SYNTAX = Pattern.compile("(\\d+)\\s*([A-Za-z]*)");
  private static final Map<String, Long> MULTIPLIERS =
      Map.of(
          "", 1L,
          "b", 1L,
          "kib", KIB,
          "mib", MIB,
          "gib", GIB,
          "kb", 1_000L,
          "mb", 1_000_000L,
          "gb", 1_000_000_000L);

  private ByteSize() {}

  /**
   * Parses a size.
   *
   * @throws IllegalArgumentException when the text is not a size or the size overflows a long
   */
  public static long parse(String text) {
    Matcher m = SYNTAX.matcher(text.strip());
    Long multiplier = m.matches() ? MULTIPLIERS.get(m.group(2).toLowerCase(Locale.ROOT)) : null;
    if (multiplier == null) {
      throw new IllegalArgumentException(
          "invalid size \"" + text + "\" (expected bytes, or a number with KiB, MiB or GiB)");
    }
    try {
      return Math.multiplyExact(Long.parseLong(m.group(1)), multiplier);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException("size \"" + text + "\" is too large", e);
    }
  }

  /** Formats with the largest binary unit that divides the size exactly: {@code 4MiB}. */
  public static String format(long bytes) {
    if (bytes != 0 && bytes % GIB == 0) {
      return bytes / GIB + "GiB";
    }
    if (bytes != 0 && bytes % MIB == 0) {
      return bytes / MIB + "MiB";
    }
    if (bytes != 0 && bytes % KIB == 0) {
      return bytes / KIB + "KiB";
    }
    return Long.toString(bytes);
  }
}
