package eventhandler.config;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The one table of every setting: flag, value type, default, environment variables, TOML key and
 * meaning. Help text, environment lookup, TOML mapping, {@code start --check} and the README
 * settings table are all generated from it, so they cannot disagree. It is long because it is that
 * table: one entry per setting, and little else.
 *
 * <p>Environment variable names follow the Go plugin exactly, including its misspelt {@code FDWRD_}
 * names, which are kept as aliases; the first name listed wins when several are set.
 */
public enum Setting {
  CONFIG(
      Scope.GLOBAL,
      "config",
      'c',
      ValueType.PATH,
      DefaultValue.none("none"),
      List.of("FDFWD_CONFIG"),
      null,
      "TOML configuration file."),
  DEBUG(
      Scope.GLOBAL,
      "debug",
      'd',
      ValueType.BOOLEAN,
      DefaultValue.of("false"),
      List.of("FDFWD_DEBUG"),
      "debug",
      "Log at DEBUG level and add stack traces to errors."),

  FLUENTD_URL(
      "fluentd-url",
      ValueType.HTTPS_URL,
      DefaultValue.mandatory(),
      List.of("FDFWD_FLUENTD_URL"),
      "forward.fluentd.url",
      "Fluentd in_http URL that receives audit events."),
  FLUENTD_SESSION_URL(
      "fluentd-session-url",
      ValueType.HTTPS_URL,
      DefaultValue.mandatory(),
      List.of("FDFWD_FLUENTD_SESSION_URL"),
      "forward.fluentd.session-url",
      "Fluentd in_http URL for session recordings; the events of session <id> go to"
          + " <url>.<id>.log."),
  FLUENTD_CERT(
      "fluentd-cert",
      ValueType.PATH,
      DefaultValue.none("none"),
      List.of("FDFWD_FLUENTD_CERT", "FDWRD_FLUENTD_CERT"),
      "forward.fluentd.cert",
      "Client certificate (PEM) presented to Fluentd; needs fluentd-key."),
  FLUENTD_KEY(
      "fluentd-key",
      ValueType.PATH,
      DefaultValue.none("none"),
      List.of("FDFWD_FLUENTD_KEY", "FDWRD_FLUENTD_KEY"),
      "forward.fluentd.key",
      "Private key (PEM) of the Fluentd client certificate; needs fluentd-cert."),
  FLUENTD_CA(
      "fluentd-ca",
      ValueType.PATH,
      DefaultValue.none("system trust store"),
      List.of("FDFWD_FLUENTD_CA", "FDWRD_FLUENTD_CA"),
      "forward.fluentd.ca",
      "CA certificates (PEM) that verify Fluentd's server certificate."),
  FLUENTD_MAX_CONNECTIONS(
      "fluentd-max-connections",
      ValueType.INTEGER,
      DefaultValue.none("2 x concurrency"),
      List.of("FDFWD_MAX_CONNECTIONS", "FDWRD_MAX_CONNECTIONS"),
      "forward.fluentd.max-connections",
      "Most requests in flight to Fluentd at once (1..1000)."),
  FLUENTD_BATCH_SIZE(
      "fluentd-batch-size",
      ValueType.INTEGER,
      DefaultValue.of("500"),
      List.of("FDFWD_FLUENTD_BATCH_SIZE"),
      "forward.fluentd.batch-size",
      "Most events per request to Fluentd (1..10000), sent as one JSON array; 1 sends one JSON"
          + " object per request like the Go plugin."),
  FLUENTD_BATCH_BYTES(
      "fluentd-batch-bytes",
      ValueType.BYTE_SIZE,
      DefaultValue.of("4MiB"),
      List.of("FDFWD_FLUENTD_BATCH_BYTES"),
      "forward.fluentd.batch-bytes",
      "Largest request body sent to Fluentd (1KiB up to, not including, Fluentd's 32MiB"
          + " limit)."),
  FLUENTD_TIMEOUT(
      "fluentd-timeout",
      ValueType.DURATION,
      DefaultValue.of("30s"),
      List.of("FDFWD_FLUENTD_TIMEOUT"),
      "forward.fluentd.timeout",
      "Time limit of one request to Fluentd."),
  FLUENTD_DEAD_LETTER_LIMIT(
      "fluentd-dead-letter-limit",
      ValueType.INTEGER,
      DefaultValue.of("20"),
      List.of("FDFWD_FLUENTD_DEAD_LETTER_LIMIT"),
      "forward.fluentd.dead-letter-limit",
      "Most events Fluentd refuses that are dead-lettered per 10 minutes (0..100000). An event"
          + " is dead-lettered only when Fluentd refused it alone after accepting another request"
          + " since; other refusals, and those beyond this limit, hold the events and retry them"
          + " until Fluentd accepts them (0 holds every refusal)."),

  TELEPORT_ADDR(
      "teleport-addr",
      ValueType.HOST_PORT,
      DefaultValue.of("localhost:3025"),
      List.of("FDFWD_TELEPORT_ADDR"),
      "teleport.addr",
      "host:port of the Teleport Auth Service or Proxy Service."),
  TELEPORT_IDENTITY(
      "teleport-identity",
      ValueType.PATH,
      DefaultValue.none("none"),
      List.of("FDFWD_TELEPORT_IDENTITY"),
      "teleport.identity",
      "Identity file (from tctl auth sign or tbot); use it or teleport-cert, teleport-key and"
          + " teleport-ca."),
  TELEPORT_REFRESH_ENABLED(
      "teleport-refresh-enabled",
      ValueType.BOOLEAN,
      DefaultValue.of("false"),
      List.of("FDFWD_TELEPORT_REFRESH_ENABLED"),
      "teleport.refresh.enabled",
      "Re-read the identity file periodically, for short-lived certificates renewed by tbot."),
  TELEPORT_REFRESH_INTERVAL(
      "teleport-refresh-interval",
      ValueType.DURATION,
      DefaultValue.of("1m"),
      List.of("FDFWD_TELEPORT_REFRESH_INTERVAL"),
      "teleport.refresh.interval",
      "How often the identity file is re-read."),
  TELEPORT_CA(
      "teleport-ca",
      ValueType.PATH,
      DefaultValue.none("none"),
      List.of("FDFWD_TELEPORT_CA"),
      "teleport.ca",
      "Teleport cluster CA certificates (PEM); with teleport-cert and teleport-key instead of an"
          + " identity file."),
  TELEPORT_CERT(
      "teleport-cert",
      ValueType.PATH,
      DefaultValue.none("none"),
      List.of("FDFWD_TELEPORT_CERT", "FDWRD_TELEPORT_CERT"),
      "teleport.cert",
      "Client certificate (PEM) for Teleport; with teleport-key and teleport-ca."),
  TELEPORT_KEY(
      "teleport-key",
      ValueType.PATH,
      DefaultValue.none("none"),
      List.of("FDFWD_TELEPORT_KEY"),
      "teleport.key",
      "Private key (PEM) of the Teleport client certificate; with teleport-cert and"
          + " teleport-ca."),
  TELEPORT_DIAL_TIMEOUT(
      "teleport-dial-timeout",
      ValueType.DURATION,
      DefaultValue.of("30s"),
      List.of("FDFWD_TELEPORT_DIAL_TIMEOUT"),
      "teleport.dial-timeout",
      "Time limit to connect to Teleport."),
  TELEPORT_MAX_MESSAGE_SIZE(
      "teleport-max-message-size",
      ValueType.BYTE_SIZE,
      DefaultValue.of("64MiB"),
      List.of("FDFWD_TELEPORT_MAX_MESSAGE_SIZE"),
      "teleport.max-message-size",
      "Largest gRPC message accepted from Teleport (1MiB up to, not including, 2GiB); audit"
          + " events can exceed 1MiB."),

  STORAGE(
      "storage",
      ValueType.PATH,
      DefaultValue.mandatory(),
      List.of("FDFWD_STORAGE"),
      "storage",
      "Directory that keeps the export position between runs (created with mode 0700)."),
  BATCH(
      "batch",
      ValueType.INTEGER,
      DefaultValue.of("20"),
      List.of("FDFWD_BATCH"),
      "batch",
      "Events fetched from Teleport per request (1..10000)."),
  TYPES(
      "types",
      ValueType.LIST,
      DefaultValue.of("", "all"),
      List.of("FDFWD_TYPES"),
      "types",
      "Comma-separated event types to export; Teleport filters them."),
  SKIP_EVENT_TYPES(
      "skip-event-types",
      ValueType.LIST,
      DefaultValue.of("", "none"),
      List.of("FDFWD_SKIP_EVENT_TYPES"),
      "skip-event-types",
      "Comma-separated event types not to export."),
  SKIP_SESSION_TYPES(
      "skip-session-types",
      ValueType.LIST,
      // The Go plugin's default since September 2025 (also on its v16 line): binary desktop
      // recordings are not forwarded unless asked for.
      DefaultValue.of("print,desktop.recording"),
      List.of("FDFWD_SKIP_SESSION_TYPES"),
      "skip-session-types",
      "Comma-separated session recording event types not to export."),
  START_TIME(
      "start-time",
      ValueType.TIMESTAMP,
      DefaultValue.none("now"),
      List.of("FDFWD_START_TIME"),
      "start-time",
      "Export events from this RFC 3339 time, truncated to whole seconds; only the first run"
          + " uses it, later runs resume where they stopped."),
  TIMEOUT(
      "timeout",
      ValueType.DURATION,
      DefaultValue.of("5s"),
      List.of("FDFWD_TIMEOUT"),
      "timeout",
      "Wait between polls for new events once all events are exported."),
  DRY_RUN(
      "dry-run",
      ValueType.BOOLEAN,
      DefaultValue.of("false"),
      List.of("FDFWD_DRY_RUN"),
      "dry-run",
      "Read events without sending them to Fluentd or locking users."),
  EXIT_ON_LAST_EVENT(
      "exit-on-last-event",
      ValueType.BOOLEAN,
      DefaultValue.of("false"),
      List.of("FDFWD_EXIT_ON_LAST_EVENT"),
      "exit-on-last-event",
      "Exit once all existing events are exported instead of waiting for new ones."),
  CONCURRENCY(
      "concurrency",
      ValueType.INTEGER,
      DefaultValue.of("5"),
      List.of("FDFWD_CONCURRENCY"),
      "concurrency",
      "Session recordings exported in parallel (1..1000)."),
  AUDIT_READ_CONCURRENCY(
      "audit-read-concurrency",
      ValueType.INTEGER,
      DefaultValue.of("8"),
      List.of("FDFWD_AUDIT_READ_CONCURRENCY"),
      "audit-read-concurrency",
      "Bulk export chunks, or search time windows, read from Teleport at once while catching up"
          + " (1..64); hides the events backend's time per call. Caught up, one reader polls."),
  BULK_POLL_INTERVAL(
      "bulk-poll-interval",
      ValueType.DURATION,
      DefaultValue.of("16s"),
      List.of("FDFWD_BULK_POLL_INTERVAL"),
      "bulk-poll-interval",
      "Once caught up, how often the bulk export lists new chunks (as the Go plugin: 16s, up to"
          + " a seventh less at random); the search path polls every timeout."),
  WINDOW_SIZE(
      "window-size",
      ValueType.DURATION,
      DefaultValue.of("24h"),
      List.of("FDFWD_WINDOW_SIZE"),
      "window-size",
      "Time span of one search request to Teleport; reduce it if the events backend cannot"
          + " manage the event volume of one window."),
  LOCK_ENABLED(
      "lock-enabled",
      ValueType.BOOLEAN,
      DefaultValue.of("false"),
      List.of("FDFWD_LOCKING_ENABLED"),
      "lock.enabled",
      "Lock users after repeated failed logins."),
  LOCK_FAILED_ATTEMPTS_COUNT(
      "lock-failed-attempts-count",
      ValueType.INTEGER,
      DefaultValue.of("3"),
      List.of("FDFWD_LOCKING_FAILED_ATTEMPTS"),
      "lock.failed-attempts-count",
      "Failed logins allowed within lock-period; one more locks the user."),
  LOCK_PERIOD(
      "lock-period",
      ValueType.DURATION,
      DefaultValue.of("1m"),
      List.of("FDFWD_LOCKING_PERIOD"),
      "lock.period",
      "Time span in which failed logins are counted."),
  LOCK_FOR(
      "lock-for",
      ValueType.DURATION,
      DefaultValue.of("0", "0 (no expiry)"),
      List.of("FDFWD_LOCKING_FOR"),
      "lock.for",
      "How long a lock lasts; 0 keeps it until an administrator removes it."),
  METRICS_ADDR(
      "metrics-addr",
      ValueType.LISTEN_ADDRESS,
      DefaultValue.none("off"),
      List.of("FDFWD_METRICS_ADDR"),
      "metrics-addr",
      "host:port of the HTTP listener for /metrics, /healthz and /readyz, like 127.0.0.1:9090;"
          + " an empty host listens on all interfaces."),
  NAMESPACE(
      "namespace",
      ValueType.STRING,
      DefaultValue.none("none"),
      List.of("FDFWD_NAMESPACE"),
      "namespace",
      "Ignored; accepted so that old configuration files still load.");

  /** Where a setting can be given: on every command, or on {@code start} only. */
  public enum Scope {
    GLOBAL,
    START
  }

  /**
   * The default of a setting.
   *
   * @param value the text parsed when nothing sets the setting, or null when there is none
   * @param label how the default is shown in help and the README
   * @param required whether the setting must be set
   */
  public record DefaultValue(String value, String label, boolean required) {
    static DefaultValue of(String value) {
      return new DefaultValue(value, value, false);
    }

    static DefaultValue of(String value, String label) {
      return new DefaultValue(value, label, false);
    }

    static DefaultValue none(String label) {
      return new DefaultValue(null, label, false);
    }

    static DefaultValue mandatory() {
      return new DefaultValue(null, "required", true);
    }
  }

  private final Scope scope;
  private final String flagName;
  private final Character shortName;
  private final ValueType type;
  private final DefaultValue defaultValue;
  private final List<String> environmentVariables;
  private final String tomlKey;
  private final String description;

  Setting(
      String flagName,
      ValueType type,
      DefaultValue defaultValue,
      List<String> environmentVariables,
      String tomlKey,
      String description) {
    this(
        Scope.START,
        flagName,
        null,
        type,
        defaultValue,
        environmentVariables,
        tomlKey,
        description);
  }

  Setting(
      Scope scope,
      String flagName,
      Character shortName,
      ValueType type,
      DefaultValue defaultValue,
      List<String> environmentVariables,
      String tomlKey,
      String description) {
    this.scope = scope;
    this.flagName = flagName;
    this.shortName = shortName;
    this.type = type;
    this.defaultValue = defaultValue;
    this.environmentVariables = environmentVariables;
    this.tomlKey = tomlKey;
    this.description = description;
  }

  public Scope scope() {
    return scope;
  }

  /** The long flag without dashes, like {@code window-size}; also the setting's name. */
  public String flagName() {
    return flagName;
  }

  /** The long option as typed, like {@code --window-size}. */
  public String longOption() {
    return "--" + flagName;
  }

  /** The one-letter option, like {@code -c}, if there is one. */
  public Optional<String> shortOption() {
    return Optional.ofNullable(shortName).map(c -> "-" + c);
  }

  public ValueType type() {
    return type;
  }

  public DefaultValue defaultValue() {
    return defaultValue;
  }

  /** Environment variables, the preferred one first. */
  public List<String> environmentVariables() {
    return environmentVariables;
  }

  /**
   * The canonical TOML key as a dotted path, like {@code forward.fluentd.url} or {@code
   * window-size}; empty for settings that cannot be set in the file ({@code config}).
   */
  public Optional<String> tomlKey() {
    return Optional.ofNullable(tomlKey);
  }

  public String description() {
    return description;
  }

  /** The setting named like the flag, without dashes in front. */
  public static Optional<Setting> byFlagName(String name) {
    for (Setting s : values()) {
      if (s.flagName.equals(name)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** The settings of one scope, in table order. */
  public static List<Setting> inScope(Scope scope) {
    return Arrays.stream(values()).filter(s -> s.scope == scope).toList();
  }
}
