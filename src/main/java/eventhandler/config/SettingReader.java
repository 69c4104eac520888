package eventhandler.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads one setting's typed value from resolved text and checks its range, collecting every problem
 * (the setting, where its value came from, what is wrong) instead of stopping at the first.
 */
abstract class SettingReader {
  protected final RawSettings raw;
  protected final List<Problem> problems = new ArrayList<>();
  private final Set<Setting> invalid = EnumSet.noneOf(Setting.class);

  SettingReader(RawSettings raw) {
    this.raw = raw;
  }

  protected Optional<Path> readableFile(Setting setting) {
    Optional<Path> path = value(setting, Path.class);
    if (path.isEmpty()) {
      return path;
    }
    Path p = path.get();
    if (!Files.exists(p)) {
      problem(setting, "file " + p + " does not exist");
    } else if (Files.isDirectory(p)) {
      problem(setting, p + " is a directory, not a file");
    } else if (!Files.isReadable(p)) {
      problem(setting, "file " + p + " is not readable (check its permissions)");
    } else {
      return path;
    }
    invalid.add(setting);
    return Optional.empty();
  }

  protected void requireTogether(Setting first, Setting second) {
    if (isSet(first) != isSet(second)) {
      Setting given = isSet(first) ? first : second;
      Setting missing = isSet(first) ? second : first;
      problem(
          given,
          "needs "
              + missing.flagName()
              + " as well ("
              + howToSet(missing)
              + "); the certificate and its key go together");
    }
  }

  protected <T> T required(Setting setting, Class<T> type) {
    Optional<T> value = value(setting, type);
    if (value.isEmpty() && !invalid.contains(setting)) {
      problem(setting, "is required; set " + howToSet(setting));
    }
    return value.orElse(null);
  }

  protected boolean bool(Setting setting) {
    return value(setting, Boolean.class).orElse(false);
  }

  protected int integer(Setting setting, int min, int max, String reason) {
    Optional<Integer> value = value(setting, Integer.class);
    if (value.isPresent() && (value.get() < min || value.get() > max)) {
      String range = max == Integer.MAX_VALUE ? "at least " + min : "from " + min + " to " + max;
      problem(
          setting,
          "must be "
              + range
              + (reason == null ? "" : " (" + reason + ")")
              + ", got "
              + value.get());
    }
    return value.orElse(min);
  }

  /** A size from {@code min} up to, not including, {@code limit}. */
  protected long bytes(Setting setting, long min, long limit, String reason) {
    Optional<Long> value = value(setting, Long.class);
    if (value.isPresent() && (value.get() < min || value.get() >= limit)) {
      problem(
          setting,
          "must be at least "
              + ByteSize.format(min)
              + " and below "
              + ByteSize.format(limit)
              + (reason == null ? "" : " (" + reason + ")")
              + ", got "
              + ByteSize.format(value.get()));
    }
    return value.orElse(min);
  }

  protected Duration positive(Setting setting) {
    Optional<Duration> value = value(setting, Duration.class);
    if (value.isPresent() && (value.get().isNegative() || value.get().isZero())) {
      problem(setting, "must be longer than 0, got " + GoDuration.format(value.get()));
    }
    return value.orElse(Duration.ofSeconds(1));
  }

  protected List<String> list(Setting setting) {
    @SuppressWarnings("unchecked")
    List<String> items = value(setting, List.class).orElse(List.of());
    return items;
  }

  /** The converted effective value; empty when unset or invalid (the latter is recorded). */
  protected <T> Optional<T> value(Setting setting, Class<T> type) {
    Optional<RawValue> rawValue = raw.effective(setting);
    if (rawValue.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(type.cast(setting.type().parse(rawValue.get().text())));
    } catch (IllegalArgumentException e) {
      invalid.add(setting);
      problems.add(new Problem(setting, rawValue.get().source(), e.getMessage()));
      return Optional.empty();
    }
  }

  protected boolean isSet(Setting setting) {
    return raw.explicit(setting).isPresent();
  }

  protected void problem(Setting setting, String message) {
    invalid.add(setting);
    problems.add(new Problem(setting, raw.sourceOf(setting), message));
  }

  protected String describeAll(List<Setting> settings) {
    return settings.stream()
        .map(s -> s.flagName() + " (from " + raw.sourceOf(s).describe() + ")")
        .collect(Collectors.joining(", "));
  }

  /** {@code --x, env FDFWD_X or TOML key x}: every way to set a setting, for error messages. */
  static String howToSet(Setting setting) {
    String option = setting.longOption();
    String variable = "env " + setting.environmentVariables().get(0);
    return setting
        .tomlKey()
        .map(key -> option + ", " + variable + " or TOML key " + key)
        .orElse(option + " or " + variable);
  }
}
