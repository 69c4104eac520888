package eventhandler.config;

import java.util.EnumMap;
import java.util.Map;

/**
 * Where each setting's value came from, so that later errors (a refused certificate, an unreachable
 * URL) can tell the user which flag, variable or TOML key to fix.
 */
public final class Provenance {
  private final Map<Setting, Source> sources;

  public Provenance(Map<Setting, Source> sources) {
    this.sources = sources.isEmpty() ? Map.of() : new EnumMap<>(sources);
  }

  /** All settings at their defaults; for tests and programmatic use. */
  public static Provenance allDefaults() {
    return new Provenance(Map.of());
  }

  /** The source of a setting; {@link Source#DEFAULT} when nothing set it. */
  public Source of(Setting setting) {
    return sources.getOrDefault(setting, Source.DEFAULT);
  }

  /** {@code fluentd-url (from toml f key forward.fluentd.url)}, or just the name for defaults. */
  public String describe(Setting setting) {
    Source source = of(setting);
    return source instanceof Source.Default
        ? setting.flagName()
        : setting.flagName() + " (from " + source.describe() + ")";
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Provenance p && p.sources.equals(sources);
  }

  @Override
  public int hashCode() {
    return sources.hashCode();
  }

  @Override
  public String toString() {
    return "Provenance" + sources;
  }
}
