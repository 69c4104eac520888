package eventhandler.config;

import java.util.Objects;
import java.util.Optional;

/**
 * Everything {@code start} runs with: resolved (flag > environment > TOML file > default),
 * converted and validated by {@link SettingsBinder} before any network use. Immutable.
 *
 * @param teleport how to reach and authenticate to Teleport
 * @param fluentd where and how to send events
 * @param export what to export and how to pace it
 * @param lock locking users after failed logins
 * @param metricsAddress listen address of the operations HTTP server ({@code --metrics-addr});
 *     empty means off; an empty host means all interfaces, port 0 an ephemeral port
 * @param debug {@code --debug}
 * @param provenance where each value came from, for error messages
 */
public record Settings(
    TeleportSettings teleport,
    FluentdSettings fluentd,
    ExportSettings export,
    LockSettings lock,
    Optional<HostPort> metricsAddress,
    boolean debug,
    Provenance provenance) {
  public Settings {
    Objects.requireNonNull(teleport, "teleport");
    Objects.requireNonNull(fluentd, "fluentd");
    Objects.requireNonNull(export, "export");
    Objects.requireNonNull(lock, "lock");
    Objects.requireNonNull(metricsAddress, "metricsAddress");
    Objects.requireNonNull(provenance, "provenance");
  }
}
