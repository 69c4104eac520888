package eventhandler.config;

import java.util.List;
import java.util.stream.Collectors;

/** The Markdown table of all settings that README.md carries, generated from {@link Setting}. */
public final class SettingsReferenceTable {
  /** The README markers the generated table sits between. */
  public static final String BEGIN_MARKER = "<!-- settings-table:begin -->";

  public static final String END_MARKER = "<!-- settings-table:end -->";

  private SettingsReferenceTable() {}

  /** The table, one row per setting, ending with a newline. */
  public static String markdown() {
    StringBuilder out = new StringBuilder();
    out.append("| Flag | Environment variable | TOML key | Default | Meaning |\n");
    out.append("|---|---|---|---|---|\n");
    for (Setting s : Setting.values()) {
      out.append("| ")
          .append(flags(s))
          .append(" | ")
          .append(codeList(s.environmentVariables()))
          .append(" | ")
          .append(s.tomlKey().map(SettingsReferenceTable::code).orElse("-"))
          .append(" | ")
          .append(defaultText(s))
          .append(" | ")
          .append(escape(s.description()))
          .append(" |\n");
    }
    return out.toString();
  }

  private static String flags(Setting s) {
    String parameter =
        s.type() == ValueType.BOOLEAN ? "[=" + s.type().label() + "]" : "=" + s.type().label();
    String longFlag = code(s.longOption() + parameter);
    return s.shortOption().map(o -> code(o) + ", " + longFlag).orElse(longFlag);
  }

  private static String defaultText(Setting s) {
    Setting.DefaultValue d = s.defaultValue();
    boolean literal = d.value() != null && d.value().equals(d.label());
    return literal ? code(d.label()) : escape(d.label());
  }

  private static String codeList(List<String> names) {
    return names.stream().map(SettingsReferenceTable::code).collect(Collectors.joining(", "));
  }

  private static String code(String text) {
    return "`" + text.replace("|", "\\|") + "`";
  }

  /** Keeps Markdown from reading {@code <id>} as HTML or a bar as a column break. */
  private static String escape(String text) {
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
  }
}
