package eventhandler.config;

import eventhandler.sim.SimulatedCluster;
import eventhandler.sim.fluentd.FluentdPki;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * Files a valid configuration points at: a Teleport identity file valid for hours, and a Fluentd
 * CA, client certificate and key that belong together (start reads them all before it runs).
 */
public final class ConfigFixture {
  /** One identity for the whole test run: writing one makes a cluster's authorities. */
  private static String identityText;

  private static synchronized String identityText() throws IOException {
    if (identityText == null) {
      Path file = Files.createTempFile("config-fixture-", ".identity");
      try {
        SimulatedCluster.builder().events(0).build().writeIdentity(file);
        identityText = Files.readString(file);
      } finally {
        Files.deleteIfExists(file);
      }
    }
    return identityText;
  }

  public final Path dir;
  public final Path identity;
  public final Path fluentdCa;
  public final Path fluentdCert;
  public final Path fluentdKey;
  public final Path storage;

  public ConfigFixture(Path dir) {
    this.dir = dir;
    try {
      identity = Files.writeString(dir.resolve("identity"), identityText());
      FluentdPki pki = new FluentdPki(dir);
      fluentdCa = pki.caFile;
      fluentdCert = pki.clientCertFile;
      fluentdKey = pki.clientKeyFile;
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
