package eventhandler.config;

import static eventhandler.config.Setting.FLUENTD_BATCH_BYTES;
import static eventhandler.config.Setting.FLUENTD_BATCH_SIZE;
import static eventhandler.config.Setting.FLUENTD_CA;
import static eventhandler.config.Setting.FLUENTD_CERT;
import static eventhandler.config.Setting.FLUENTD_KEY;
import static eventhandler.config.Setting.FLUENTD_MAX_CONNECTIONS;
import static eventhandler.config.Setting.FLUENTD_TIMEOUT;
import static eventhandler.config.Setting.STORAGE;
import static eventhandler.config.Setting.TELEPORT_ADDR;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * What {@code dead-letters} needs of {@code start}'s settings: where the state directory is and how
 * to reach Fluentd. Read from the same flags, environment and TOML file as {@code start}; the other
 * settings (Teleport credentials, URLs...) are accepted and not checked.
 */
public record DeadLetterSettings(
    Path storage,
    HostPort teleportAddress,
    Optional<Path> fluentdCa,
    Optional<Path> fluentdCert,
    Optional<Path> fluentdKey,
    int maxConnections,
    int batchSize,
    int batchBytes,
    Duration requestTimeout) {

  /** Converts and validates only these settings. */
  public static DeadLetterSettings bind(RawSettings raw) throws InvalidSettingsException {
    if (!raw.problems().isEmpty()) {
      throw new InvalidSettingsException(raw.problems());
    }
    return new Reader(raw).settings();
  }

  private static final class Reader extends SettingReader {
    Reader(RawSettings raw) {
      super(raw);
    }

    DeadLetterSettings settings() throws InvalidSettingsException {
      Path storage = required(STORAGE, Path.class);
      HostPort teleport = value(TELEPORT_ADDR, HostPort.class).orElse(null);
      Optional<Path> ca = readableFile(FLUENTD_CA);
      Optional<Path> cert = readableFile(FLUENTD_CERT);
      Optional<Path> key = readableFile(FLUENTD_KEY);
      requireTogether(FLUENTD_CERT, FLUENTD_KEY);
      int connections =
          isSet(FLUENTD_MAX_CONNECTIONS) ? integer(FLUENTD_MAX_CONNECTIONS, 1, 1000, null) : 2;
      int batchSize = integer(FLUENTD_BATCH_SIZE, 1, 10_000, null);
      long batchBytes =
          bytes(FLUENTD_BATCH_BYTES, ByteSize.KIB, SettingsBinder.FLUENTD_BODY_LIMIT, null);
      Duration timeout = positive(FLUENTD_TIMEOUT);
      if (!problems.isEmpty()) {
        throw new InvalidSettingsException(problems);
      }
      return new DeadLetterSettings(
          storage, teleport, ca, cert, key, connections, batchSize, (int) batchBytes, timeout);
    }
  }
}
