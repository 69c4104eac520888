package eventhandler.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Applies precedence to every setting: a flag beats an environment variable, which beats the TOML
 * file, which beats the default. The environment is passed in (not read from the process), so
 * callers and tests decide what it holds.
 */
public final class SettingsResolver {
  private static final List<String> ENV_PREFIXES = List.of("FDFWD_", "FDWRD_");

  private final Map<String, String> environment;

  public SettingsResolver(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  /**
   * Resolves all settings.
   *
   * @param flags the text of each setting given on the command line; list flags given several times
   *     are joined with commas
   */
  public RawSettings resolve(Map<Setting, String> flags) {
    Map<Setting, RawValue> values = new EnumMap<>(Setting.class);
    List<String> warnings = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();

    Optional<RawValue> config = fromFlagOrEnvironment(Setting.CONFIG, flags);
    Map<Setting, RawValue> fromFile = Map.of();
    if (config.isPresent()) {
      values.put(Setting.CONFIG, config.get());
      Optional<Path> file = configPath(config.get(), problems);
      if (file.isPresent()) {
        TomlSettingsFile.Contents contents =
            TomlSettingsFile.load(file.get(), config.get().source());
        fromFile = contents.values();
        warnings.addAll(contents.warnings());
        problems.addAll(contents.problems());
      }
    }

    for (Setting setting : Setting.values()) {
      if (setting == Setting.CONFIG) {
        continue;
      }
      Optional<RawValue> value = fromFlagOrEnvironment(setting, flags);
      if (value.isEmpty()) {
        value = Optional.ofNullable(fromFile.get(setting));
      }
      value.ifPresent(v -> values.put(setting, v));
    }

    RawValue namespace = values.get(Setting.NAMESPACE);
    if (namespace != null) {
      warnings.add(
          "namespace (from "
              + namespace.source().describe()
              + ") has no effect: Teleport no longer has namespaces; remove it");
    }
    warnings.addAll(unknownEnvironmentVariables());
    return new RawSettings(values, warnings, problems);
  }

  private Optional<RawValue> fromFlagOrEnvironment(Setting setting, Map<Setting, String> flags) {
    String flag = flags.get(setting);
    if (flag != null) {
      return Optional.of(new RawValue(flag, new Source.Flag(setting.longOption())));
    }
    for (String variable : setting.environmentVariables()) {
      String value = environment.get(variable);
      // An empty variable counts as unset, as in the Go plugin.
      if (value != null && !value.isEmpty()) {
        return Optional.of(new RawValue(value, new Source.Environment(variable)));
      }
    }
    return Optional.empty();
  }

  private static Optional<Path> configPath(RawValue config, List<Problem> problems) {
    try {
      if (!config.text().isBlank()) {
        return Optional.of(Path.of(config.text()));
      }
      problems.add(new Problem(Setting.CONFIG, config.source(), "the file name is empty"));
    } catch (InvalidPathException e) {
      problems.add(
          new Problem(
              Setting.CONFIG,
              config.source(),
              "invalid file name \"" + config.text() + "\": " + e.getReason()));
    }
    return Optional.empty();
  }

  /** Warnings for FDFWD_/FDWRD_ variables no setting reads: most likely typos. */
  private List<String> unknownEnvironmentVariables() {
    Set<String> known = new HashSet<>();
    for (Setting s : Setting.values()) {
      known.addAll(s.environmentVariables());
    }
    List<String> warnings = new ArrayList<>();
    for (String name : new TreeSet<>(environment.keySet())) {
      if (ENV_PREFIXES.stream().anyMatch(name::startsWith) && !known.contains(name)) {
        warnings.add(
            "unknown environment variable "
                + name
                + " is ignored; did you mean "
                + ClosestName.among(name, new TreeSet<>(known)).orElseThrow()
                + "?");
      }
    }
    return warnings;
  }
}
