package eventhandler.configure;

/** Escapes text for the inside of quoted strings in the generated files. */
final class Quoting {
  private Quoting() {}

  /**
   * Inside a TOML basic string ({@code "..."}) or a YAML double-quoted scalar: both take {@code
   * \\}, {@code \"} and {@code \\uXXXX} escapes.
   */
  static String doubleQuoted(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        default -> {
          if (Character.isISOControl(c)) {
            out.append(String.format("\\u%04X", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  /**
   * Inside a Fluentd single-quoted string ({@code '...'}), which knows only {@code \'} and {@code
   * \\}. Single quotes, unlike double quotes, never evaluate embedded Ruby ({@code #{...}}).
   */
  static String fluentdSingleQuoted(String text) {
    if (text.chars().anyMatch(c -> c == '\n' || c == '\r')) {
      throw new IllegalArgumentException("a Fluentd value cannot span lines");
    }
    return text.replace("\\", "\\\\").replace("'", "\\'");
  }
}
