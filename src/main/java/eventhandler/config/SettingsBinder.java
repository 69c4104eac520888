package eventhandler.config;

import static eventhandler.config.Setting.AUDIT_READ_CONCURRENCY;
import static eventhandler.config.Setting.BATCH;
import static eventhandler.config.Setting.BULK_POLL_INTERVAL;
import static eventhandler.config.Setting.CONCURRENCY;
import static eventhandler.config.Setting.DEBUG;
import static eventhandler.config.Setting.DRY_RUN;
import static eventhandler.config.Setting.EXIT_ON_LAST_EVENT;
import static eventhandler.config.Setting.FLUENTD_BATCH_BYTES;
import static eventhandler.config.Setting.FLUENTD_BATCH_SIZE;
import static eventhandler.config.Setting.FLUENTD_CA;
import static eventhandler.config.Setting.FLUENTD_CERT;
import static eventhandler.config.Setting.FLUENTD_DEAD_LETTER_LIMIT;
import static eventhandler.config.Setting.FLUENTD_KEY;
import static eventhandler.config.Setting.FLUENTD_MAX_CONNECTIONS;
import static eventhandler.config.Setting.FLUENTD_SESSION_URL;
import static eventhandler.config.Setting.FLUENTD_TIMEOUT;
import static eventhandler.config.Setting.FLUENTD_URL;
import static eventhandler.config.Setting.LOCK_ENABLED;
import static eventhandler.config.Setting.LOCK_FAILED_ATTEMPTS_COUNT;
import static eventhandler.config.Setting.LOCK_FOR;
import static eventhandler.config.Setting.LOCK_PERIOD;
import static eventhandler.config.Setting.METRICS_ADDR;
import static eventhandler.config.Setting.SKIP_EVENT_TYPES;
import static eventhandler.config.Setting.SKIP_SESSION_TYPES;
import static eventhandler.config.Setting.START_TIME;
import static eventhandler.config.Setting.STORAGE;
import static eventhandler.config.Setting.TELEPORT_ADDR;
import static eventhandler.config.Setting.TELEPORT_CA;
import static eventhandler.config.Setting.TELEPORT_CERT;
import static eventhandler.config.Setting.TELEPORT_DIAL_TIMEOUT;
import static eventhandler.config.Setting.TELEPORT_IDENTITY;
import static eventhandler.config.Setting.TELEPORT_KEY;
import static eventhandler.config.Setting.TELEPORT_MAX_MESSAGE_SIZE;
import static eventhandler.config.Setting.TELEPORT_REFRESH_ENABLED;
import static eventhandler.config.Setting.TELEPORT_REFRESH_INTERVAL;
import static eventhandler.config.Setting.TIMEOUT;
import static eventhandler.config.Setting.TYPES;
import static eventhandler.config.Setting.WINDOW_SIZE;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Converts resolved text into {@link Settings} and checks it, without any network use: required
 * settings, Teleport credentials, files, URLs, ranges. Every problem is collected, each naming the
 * setting and where its value came from, so the user can fix them all in one go.
 */
public final class SettingsBinder {
  /** Fluentd's in_http refuses bodies of 32 MiB and more ({@code body_size_limit}). */
  static final long FLUENTD_BODY_LIMIT = 32 * ByteSize.MIB;

  private SettingsBinder() {}

  /**
   * Converts and validates.
   *
   * @throws InvalidSettingsException listing every problem, including those found while resolving
   */
  public static Settings bind(RawSettings raw) throws InvalidSettingsException {
    if (!raw.problems().isEmpty()) {
      throw new InvalidSettingsException(raw.problems());
    }
    return new Binding(raw).settings();
  }

  /** One conversion run: typed values plus the problems met on the way. */
  private static final class Binding extends SettingReader {
    Binding(RawSettings raw) {
      super(raw);
    }

    Settings settings() throws InvalidSettingsException {
      boolean debug = bool(DEBUG);

      URI url = required(FLUENTD_URL, URI.class);
      URI sessionUrl = required(FLUENTD_SESSION_URL, URI.class);
      Optional<Path> fluentdCa = readableFile(FLUENTD_CA);
      Optional<Path> fluentdCert = readableFile(FLUENTD_CERT);
      Optional<Path> fluentdKey = readableFile(FLUENTD_KEY);
      requireTogether(FLUENTD_CERT, FLUENTD_KEY);
      int concurrency =
          integer(CONCURRENCY, 1, 1000, "Teleport serves at most 1000 streams per connection");
      int maxConnections =
          isSet(FLUENTD_MAX_CONNECTIONS)
              ? integer(FLUENTD_MAX_CONNECTIONS, 1, 1000, null)
              : 2 * concurrency;
      int batchSize = integer(FLUENTD_BATCH_SIZE, 1, 10_000, null);
      long batchBytes =
          bytes(
              FLUENTD_BATCH_BYTES,
              ByteSize.KIB,
              FLUENTD_BODY_LIMIT,
              "Fluentd refuses request bodies of 32MiB and more");
      Duration fluentdTimeout = positive(FLUENTD_TIMEOUT);
      int deadLetterLimit = integer(FLUENTD_DEAD_LETTER_LIMIT, 0, 100_000, null);

      HostPort teleportAddress = value(TELEPORT_ADDR, HostPort.class).orElse(null);
      if (teleportAddress != null) {
        try {
          HostPort.teleportAddress(teleportAddress.toString());
        } catch (IllegalArgumentException e) {
          problem(TELEPORT_ADDR, e.getMessage());
        }
      }
      TeleportCredentials credentials = teleportCredentials();
      boolean refreshEnabled = bool(TELEPORT_REFRESH_ENABLED);
      Duration refreshInterval = positive(TELEPORT_REFRESH_INTERVAL);
      Duration dialTimeout = positive(TELEPORT_DIAL_TIMEOUT);
      long maxMessageBytes = bytes(TELEPORT_MAX_MESSAGE_SIZE, ByteSize.MIB, 2 * ByteSize.GIB, null);

      Path storage = storageDirectory();
      int batch = integer(BATCH, 1, 10_000, "Teleport returns at most 10000 events per request");
      List<String> types = list(TYPES);
      List<String> skipEventTypes = list(SKIP_EVENT_TYPES);
      List<String> skipSessionTypes = list(SKIP_SESSION_TYPES);
      Optional<Instant> startTime = value(START_TIME, Instant.class);
      Duration pollInterval = positive(TIMEOUT);
      boolean dryRun = bool(DRY_RUN);
      boolean exitOnLastEvent = bool(EXIT_ON_LAST_EVENT);
      Duration windowSize = positive(WINDOW_SIZE);
      int readConcurrency = integer(AUDIT_READ_CONCURRENCY, 1, 64, null);
      Duration bulkPollInterval = positive(BULK_POLL_INTERVAL);

      boolean lockEnabled = bool(LOCK_ENABLED);
      int failedAttempts = integer(LOCK_FAILED_ATTEMPTS_COUNT, 1, Integer.MAX_VALUE, null);
      Duration lockPeriod = positive(LOCK_PERIOD);
      Duration lockFor = value(LOCK_FOR, Duration.class).orElse(Duration.ZERO);
      if (lockFor.isNegative()) {
        problem(LOCK_FOR, "must not be negative (0 means the lock never expires)");
      }
      Optional<HostPort> metricsAddress = value(METRICS_ADDR, HostPort.class);

      if (!problems.isEmpty()) {
        throw new InvalidSettingsException(problems);
      }
      return new Settings(
          new TeleportSettings(
              teleportAddress,
              credentials,
              refreshEnabled,
              refreshInterval,
              dialTimeout,
              (int) maxMessageBytes),
          new FluentdSettings(
              url,
              sessionUrl,
              fluentdCa,
              fluentdCert.flatMap(
                  cert -> fluentdKey.map(key -> new FluentdSettings.ClientCertificate(cert, key))),
              maxConnections,
              batchSize,
              (int) batchBytes,
              fluentdTimeout,
              deadLetterLimit),
          new ExportSettings(
              storage,
              batch,
              types,
              skipEventTypes,
              skipSessionTypes,
              startTime,
              pollInterval,
              dryRun,
              exitOnLastEvent,
              concurrency,
              windowSize,
              readConcurrency,
              bulkPollInterval),
          new LockSettings(lockEnabled, failedAttempts, lockPeriod, lockFor),
          metricsAddress,
          debug,
          provenance());
    }

    /** An identity file, or the complete certificate/key/CA trio; never both, never neither. */
    private TeleportCredentials teleportCredentials() {
      Optional<Path> identity = readableFile(TELEPORT_IDENTITY);
      Optional<Path> cert = readableFile(TELEPORT_CERT);
      Optional<Path> key = readableFile(TELEPORT_KEY);
      Optional<Path> ca = readableFile(TELEPORT_CA);
      List<Setting> trio = List.of(TELEPORT_CERT, TELEPORT_KEY, TELEPORT_CA);
      List<Setting> trioSet = trio.stream().filter(this::isSet).toList();
      if (isSet(TELEPORT_IDENTITY) && !trioSet.isEmpty()) {
        problem(
            TELEPORT_IDENTITY,
            "cannot be combined with "
                + describeAll(trioSet)
                + "; use either the identity file or teleport-cert, teleport-key and teleport-ca");
        return null;
      }
      if (isSet(TELEPORT_IDENTITY)) {
        return identity.map(TeleportCredentials.IdentityFile::new).orElse(null);
      }
      if (trioSet.isEmpty()) {
        problem(
            TELEPORT_IDENTITY,
            "Teleport credentials are missing: set an identity file ("
                + howToSet(TELEPORT_IDENTITY)
                + "), or all of teleport-cert, teleport-key and teleport-ca");
        return null;
      }
      if (trioSet.size() < trio.size()) {
        List<Setting> missing = trio.stream().filter(s -> !trioSet.contains(s)).toList();
        problem(
            trioSet.get(0),
            "needs "
                + missing.stream()
                    .map(s -> s.flagName() + " (" + howToSet(s) + ")")
                    .collect(Collectors.joining(" and "))
                + " as well; or use teleport-identity instead");
        return null;
      }
      if (cert.isEmpty() || key.isEmpty() || ca.isEmpty()) {
        return null;
      }
      return new TeleportCredentials.KeyPairFiles(cert.get(), key.get(), ca.get());
    }

    /** The storage directory exists and is writable, or it can be created. */
    private Path storageDirectory() {
      Path storage = required(STORAGE, Path.class);
      if (storage == null) {
        return null;
      }
      if (Files.exists(storage)) {
        if (!Files.isDirectory(storage)) {
          problem(STORAGE, storage + " exists but is not a directory");
        } else if (!Files.isWritable(storage)) {
          problem(STORAGE, "directory " + storage + " is not writable (check its permissions)");
        }
        return storage;
      }
      Path ancestor = storage.toAbsolutePath().getParent();
      while (ancestor != null && !Files.exists(ancestor)) {
        ancestor = ancestor.getParent();
      }
      if (ancestor != null && !Files.isDirectory(ancestor)) {
        problem(STORAGE, "cannot create " + storage + ": " + ancestor + " is not a directory");
      } else if (ancestor != null && !Files.isWritable(ancestor)) {
        problem(
            STORAGE, "cannot create " + storage + ": directory " + ancestor + " is not writable");
      }
      return storage;
    }

    private Provenance provenance() {
      Map<Setting, Source> sources = new EnumMap<>(Setting.class);
      for (Setting s : Setting.values()) {
        sources.put(s, raw.sourceOf(s));
      }
      return new Provenance(sources);
    }
  }
}
