package eventhandler.sim.fluentd;

/**
 * Fluentd's {@code time_format %Y-%m-%dT%H:%M:%S} as the Teleport parser section sets it: the
 * string must start with such a date and time; anything after the seconds (fractions, {@code Z}, an
 * offset) is ignored, as the strptime gem does.
 */
final class FluentdTimeFormat {
  private FluentdTimeFormat() {}

  /** Whether in_http would accept {@code value} as the record's time. */
  static boolean parses(String value) {
    Cursor cursor = new Cursor(value);
    if (cursor.peek() == '+' || cursor.peek() == '-') {
      cursor.position++;
    }
    return cursor.number(1, 4, 0, 9999)
        && cursor.literal('-')
        && cursor.number(1, 2, 1, 12)
        && cursor.literal('-')
        && cursor.number(1, 2, 1, 31)
        && cursor.literal('T')
        && cursor.number(1, 2, 0, 24)
        && cursor.literal(':')
        && cursor.number(1, 2, 0, 59)
        && cursor.literal(':')
        && cursor.number(1, 2, 0, 60);
  }

  private static final class Cursor {
    private final String text;
    private int position;

    Cursor(String text) {
      this.text = text;
    }

    char peek() {
      return position < text.length() ? text.charAt(position) : '\0';
    }

    boolean literal(char expected) {
      if (peek() != expected) {
        return false;
      }
      position++;
      return true;
    }

    boolean number(int minDigits, int maxDigits, int min, int max) {
      int value = 0;
      int digits = 0;
      while (digits < maxDigits && Character.isDigit(peek()) && peek() < 128) {
        value = value * 10 + (peek() - '0');
        position++;
        digits++;
      }
      return digits >= minDigits && value >= min && value <= max;
    }
  }
}
