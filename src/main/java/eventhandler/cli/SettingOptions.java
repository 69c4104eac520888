package eventhandler.cli;

import eventhandler.config.Setting;
import eventhandler.config.ValueType;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.TypeConversionException;

/**
 * Picocli options made from the {@link Setting} table. They carry no picocli default, so a value
 * present after parsing was typed on the command line; defaults are shown in the description.
 */
final class SettingOptions {
  private SettingOptions() {}

  /**
   * The option of a setting. Not inherited by subcommands: each command lists only the options that
   * act on it (-c and -d on the top level, as the Go plugin, and again where they act).
   */
  static OptionSpec optionFor(Setting setting) {
    return optionFor(setting, true);
  }

  /** The option of a setting; without {@code withTomlKey} for commands that read no TOML file. */
  static OptionSpec optionFor(Setting setting, boolean withTomlKey) {
    List<String> names = new ArrayList<>();
    setting.shortOption().ifPresent(names::add);
    names.add(setting.longOption());
    OptionSpec.Builder builder =
        OptionSpec.builder(names.toArray(String[]::new))
            .paramLabel(setting.type().label())
            .description(description(setting, withTomlKey));
    if (setting.type() == ValueType.BOOLEAN) {
      // Typed Boolean so that "-d start" does not take "start" as the value of -d.
      // The converter accepts the spellings of Go's strconv.ParseBool (1, t, TRUE...), as env.
      builder
          .type(Boolean.class)
          .arity("0..1")
          .fallbackValue("true")
          .converters(SettingOptions::parseBoolean);
    } else if (setting.type() == ValueType.LIST) {
      builder.type(List.class).auxiliaryTypes(String.class).arity("1");
    } else {
      builder.type(String.class).arity("1");
    }
    return builder.build();
  }

  private static Boolean parseBoolean(String text) {
    try {
      return (Boolean) ValueType.BOOLEAN.parse(text);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }

  /** The text of a setting given on the command line, or null when it was not given. */
  static String textOf(OptionSpec option) {
    Object value = option.getValue();
    if (value == null) {
      return null;
    }
    if (value instanceof List<?> items) {
      return String.join(",", items.stream().map(String::valueOf).toList());
    }
    return value.toString();
  }

  /**
   * The settings typed on the command line of {@code command}, including -c and -d, which may also
   * stand before the command ({@code teleport-event-handler -c file start}); after it they win.
   */
  static Map<Setting, String> flagValues(CommandSpec command) {
    Map<Setting, String> flags = new EnumMap<>(Setting.class);
    for (Setting setting : Setting.values()) {
      String text = null;
      for (CommandSpec spec = command; spec != null && text == null; spec = spec.parent()) {
        OptionSpec option = spec.findOption(setting.longOption());
        text = option == null ? null : textOf(option);
      }
      if (text != null) {
        flags.put(setting, text);
      }
    }
    return flags;
  }

  /** Every option of {@code start}'s settings, on {@code command}. */
  static void addStartOptions(CommandSpec command) {
    for (Setting setting : Setting.inScope(Setting.Scope.GLOBAL)) {
      command.addOption(optionFor(setting));
    }
    for (Setting setting : Setting.inScope(Setting.Scope.START)) {
      command.addOption(optionFor(setting));
    }
  }

  /** The meaning, then the default and environment variables, then the TOML key. */
  private static String[] description(Setting setting, boolean withTomlKey) {
    Setting.DefaultValue d = setting.defaultValue();
    List<String> lines = new ArrayList<>();
    lines.add(setting.description());
    lines.add(
        (d.required() ? "Required" : "Default: " + d.label())
            + "; env: "
            + String.join(", ", setting.environmentVariables()));
    if (withTomlKey) {
      setting.tomlKey().ifPresent(key -> lines.add("TOML: " + key));
    }
    // Picocli formats descriptions, so a literal percent sign must be doubled.
    return lines.stream().map(SettingOptions::escape).toArray(String[]::new);
  }

  private static String escape(String text) {
    return text.replace("%", "%%");
  }
}
