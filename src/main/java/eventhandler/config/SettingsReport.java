package eventhandler.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The effective settings, one line each with the source of the value, secrets masked: what {@code
 * start --check} prints and {@code start} logs.
 */
public final class SettingsReport {
  private static final String UNSET = "<unset>";

  private SettingsReport() {}

  /** One line per setting, in table order: {@code name = value [source]}. */
  public static List<String> lines(RawSettings raw) {
    int width =
        Arrays.stream(Setting.values()).mapToInt(s -> s.flagName().length()).max().orElse(0);
    List<String> lines = new ArrayList<>();
    for (Setting setting : Setting.values()) {
      lines.add(
          String.format(
              "%-" + width + "s = %s  [%s]",
              setting.flagName(),
              display(raw, setting),
              raw.sourceOf(setting).describe()));
    }
    return lines;
  }

  /** The value as it will be used, normalised (e.g. durations in Go form) and masked. */
  static String display(RawSettings raw, Setting setting) {
    Optional<RawValue> value = raw.effective(setting);
    if (value.isEmpty()) {
      return setting == Setting.FLUENTD_MAX_CONNECTIONS ? derivedMaxConnections(raw) : UNSET;
    }
    try {
      String text = setting.type().format(setting.type().parse(value.get().text()));
      return text.isEmpty() ? "<none>" : text;
    } catch (IllegalArgumentException e) {
      return setting.type().mask(value.get().text()) + " (invalid)";
    }
  }

  private static String derivedMaxConnections(RawSettings raw) {
    try {
      Object concurrency =
          Setting.CONCURRENCY.type().parse(raw.effective(Setting.CONCURRENCY).orElseThrow().text());
      return 2 * (Integer) concurrency + " (2 x concurrency)";
    } catch (IllegalArgumentException e) {
      return "2 x concurrency";
    }
  }
}
