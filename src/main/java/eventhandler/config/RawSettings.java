package eventhandler.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting's text and origin after applying precedence (flag, then environment variable, then
 * TOML file), before conversion and validation; plus the warnings and problems found on the way.
 *
 * @param values the settings that were set, by flag, environment variable or TOML file
 * @param warnings things that are ignored or have no effect, for the user to clean up
 * @param problems errors found while resolving (such as an unreadable TOML file)
 */
public record RawSettings(
    Map<Setting, RawValue> values, List<String> warnings, List<Problem> problems) {
  public RawSettings {
    values = Map.copyOf(values);
    warnings = List.copyOf(warnings);
    problems = List.copyOf(problems);
  }

  /** The value set by a flag, environment variable or TOML file, if any. */
  public Optional<RawValue> explicit(Setting setting) {
    return Optional.ofNullable(values.get(setting));
  }

  /** The value that applies: the one set, or else the default; empty when neither exists. */
  public Optional<RawValue> effective(Setting setting) {
    RawValue set = values.get(setting);
    if (set != null) {
      return Optional.of(set);
    }
    String defaultText = setting.defaultValue().value();
    return defaultText == null
        ? Optional.empty()
        : Optional.of(new RawValue(defaultText, Source.DEFAULT));
  }

  /** Where the value of a setting comes from; {@link Source#DEFAULT} when nothing set it. */
  public Source sourceOf(Setting setting) {
    RawValue set = values.get(setting);
    return set == null ? Source.DEFAULT : set.source();
  }
}
