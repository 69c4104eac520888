package eventhandler.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/** Files a valid configuration points at (contents do not matter to validation). */
public final class ConfigFixture {
  public final Path dir;
  public final Path identity;
  public final Path fluentdCa;
  public final Path fluentdCert;
  public final Path fluentdKey;
  public final Path storage;

  public ConfigFixture(Path dir) {
    this.dir = dir;
    try {
      identity = Files.writeString(dir.resolve("identity"), "identity");
      fluentdCa = Files.writeString(dir.resolve("ca.crt"), "ca");
      fluentdCert = Files.writeString(dir.resolve("client.crt"), "cert");
      fluentdKey = Files.writeString(dir.resolve("client.key"), "key");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    storage = dir.resolve("storage");
  }

  /** Flags for a valid configuration with an identity file and Fluentd mTLS. */
  public Map<Setting, String> validFlags() {
    Map<Setting, String> flags = new EnumMap<>(Setting.class);
    flags.put(Setting.FLUENTD_URL, "https://fluentd.example.com:8888/test.log");
    flags.put(Setting.FLUENTD_SESSION_URL, "https://fluentd.example.com:8888/session");
    flags.put(Setting.FLUENTD_CA, fluentdCa.toString());
    flags.put(Setting.FLUENTD_CERT, fluentdCert.toString());
    flags.put(Setting.FLUENTD_KEY, fluentdKey.toString());
    flags.put(Setting.TELEPORT_IDENTITY, identity.toString());
    flags.put(Setting.STORAGE, storage.toString());
    return flags;
  }

  /** The same as command line arguments of {@code start}. */
  public String[] validArguments() {
    return validFlags().entrySet().stream()
        .map(e -> e.getKey().longOption() + "=" + e.getValue())
        .toArray(String[]::new);
  }
}
