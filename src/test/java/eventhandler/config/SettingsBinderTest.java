package eventhandler.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsBinderTest {
  @TempDir Path dir;
  private ConfigFixture fixture;
  private Map<Setting, String> flags;
  private final Map<String, String> env = new HashMap<>();

  @BeforeEach
  void setUp() {
    fixture = new ConfigFixture(dir);
    flags = fixture.validFlags();
  }

  private Settings bind() throws InvalidSettingsException {
    return SettingsBinder.bind(new SettingsResolver(env).resolve(flags));
  }

  private List<String> problems() {
    try {
      bind();
    } catch (InvalidSettingsException e) {
      return e.problems().stream().map(Problem::describe).toList();
    }
    throw new AssertionError("expected the settings to be invalid");
  }

  @Test
  void validSettingsWithDefaults() throws Exception {
    Settings s = bind();
    assertThat(s.fluentd())
        .isEqualTo(
            new FluentdSettings(
                URI.create("https://fluentd.example.com:8888/test.log"),
                URI.create("https://fluentd.example.com:8888/session"),
                Optional.of(fixture.fluentdCa),
                Optional.of(
                    new FluentdSettings.ClientCertificate(fixture.fluentdCert, fixture.fluentdKey)),
                10,
                500,
                4 * 1024 * 1024,
                Duration.ofSeconds(30),
                20));
    assertThat(s.teleport())
        .isEqualTo(
            new TeleportSettings(
                new HostPort("localhost", 3025),
                new TeleportCredentials.IdentityFile(fixture.identity),
                false,
                Duration.ofMinutes(1),
                Duration.ofSeconds(30),
                64 * 1024 * 1024));
    assertThat(s.export())
        .isEqualTo(
            new ExportSettings(
                fixture.storage,
                20,
                List.of(),
                List.of(),
                List.of("print", "desktop.recording"),
                Optional.empty(),
                Duration.ofSeconds(5),
                false,
                false,
                5,
                Duration.ofHours(24),
                8,
                Duration.ofSeconds(16)));
    assertThat(s.lock())
        .isEqualTo(new LockSettings(false, 3, Duration.ofMinutes(1), Duration.ZERO));
    assertThat(s.lock().expiry()).isEmpty();
    assertThat(s.metricsAddress()).isEmpty();
    assertThat(s.debug()).isFalse();
    assertThat(s.provenance().of(Setting.STORAGE)).isEqualTo(new Source.Flag("--storage"));
    assertThat(s.provenance().of(Setting.BATCH)).isEqualTo(Source.DEFAULT);
    assertThat(s.provenance().describe(Setting.STORAGE)).isEqualTo("storage (from flag --storage)");
    assertThat(s.fluentd().sessionUrlFor("abc"))
        .isEqualTo(URI.create("https://fluentd.example.com:8888/session.abc.log"));
  }

  @Test
  void everySettingTyped() throws Exception {
    flags.remove(Setting.TELEPORT_IDENTITY);
    flags.remove(Setting.FLUENTD_CA);
    flags.remove(Setting.FLUENTD_CERT);
    flags.remove(Setting.FLUENTD_KEY);
    flags.put(Setting.TELEPORT_CERT, fixture.fluentdCert.toString());
    flags.put(Setting.TELEPORT_KEY, fixture.fluentdKey.toString());
    flags.put(Setting.TELEPORT_CA, fixture.fluentdCa.toString());
    flags.put(Setting.TELEPORT_ADDR, "teleport.example.com:443");
    flags.put(Setting.TELEPORT_REFRESH_ENABLED, "true");
    flags.put(Setting.TELEPORT_REFRESH_INTERVAL, "30s");
    flags.put(Setting.TELEPORT_DIAL_TIMEOUT, "5s");
    flags.put(Setting.TELEPORT_MAX_MESSAGE_SIZE, "8MiB");
    flags.put(Setting.FLUENTD_MAX_CONNECTIONS, "3");
    flags.put(Setting.FLUENTD_BATCH_SIZE, "1");
    flags.put(Setting.FLUENTD_BATCH_BYTES, "65536");
    flags.put(Setting.FLUENTD_TIMEOUT, "1m30s");
    flags.put(Setting.BATCH, "10000");
    flags.put(Setting.TYPES, "user.login,session.upload");
    flags.put(Setting.SKIP_EVENT_TYPES, "app.session.chunk");
    flags.put(Setting.SKIP_SESSION_TYPES, "");
    flags.put(Setting.START_TIME, "2021-05-05T00:00:00.75Z");
    flags.put(Setting.TIMEOUT, "10s");
    flags.put(Setting.DRY_RUN, "true");
    flags.put(Setting.EXIT_ON_LAST_EVENT, "true");
    flags.put(Setting.CONCURRENCY, "1000");
    flags.put(Setting.WINDOW_SIZE, "1h");
    flags.put(Setting.LOCK_ENABLED, "true");
    flags.put(Setting.LOCK_FAILED_ATTEMPTS_COUNT, "1");
    flags.put(Setting.LOCK_PERIOD, "500ms");
    flags.put(Setting.LOCK_FOR, "87600h");
    flags.put(Setting.METRICS_ADDR, "127.0.0.1:0");
    flags.put(Setting.DEBUG, "true");
    Settings s = bind();
    assertThat(s.teleport())
        .isEqualTo(
            new TeleportSettings(
                new HostPort("teleport.example.com", 443),
                new TeleportCredentials.KeyPairFiles(
                    fixture.fluentdCert, fixture.fluentdKey, fixture.fluentdCa),
                true,
                Duration.ofSeconds(30),
                Duration.ofSeconds(5),
                8 * 1024 * 1024));
    assertThat(s.fluentd().caFile()).isEmpty();
    assertThat(s.fluentd().clientCertificate()).isEmpty();
    assertThat(s.fluentd().maxConnections()).isEqualTo(3);
    assertThat(s.fluentd().batchSize()).isEqualTo(1);
    assertThat(s.fluentd().batchBytes()).isEqualTo(65536);
    assertThat(s.fluentd().requestTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(s.export())
        .isEqualTo(
            new ExportSettings(
                fixture.storage,
                10000,
                List.of("user.login", "session.upload"),
                List.of("app.session.chunk"),
                List.of(),
                Optional.of(Instant.parse("2021-05-05T00:00:00Z")),
                Duration.ofSeconds(10),
                true,
                true,
                1000,
                Duration.ofHours(1),
                8,
                Duration.ofSeconds(16)));
    assertThat(s.lock())
        .isEqualTo(new LockSettings(true, 1, Duration.ofMillis(500), Duration.ofHours(87600)));
    assertThat(s.lock().expiry()).contains(Duration.ofHours(87600));
    assertThat(s.metricsAddress()).contains(new HostPort("127.0.0.1", 0));
    assertThat(s.debug()).isTrue();
  }

  @Test
  void maxConnectionsDefaultsToTwiceConcurrency() throws Exception {
    flags.put(Setting.CONCURRENCY, "7");
    assertThat(bind().fluentd().maxConnections()).isEqualTo(14);
  }

  @Test
  void zeroLockForMeansNoExpiry() throws Exception {
    flags.put(Setting.LOCK_FOR, "0");
    assertThat(bind().lock().expiry()).isEmpty();
  }

  @Test
  void storageMayNotExistYetButMustBeCreatable() throws Exception {
    flags.put(Setting.STORAGE, dir.resolve("a/b/c").toString());
    assertThat(bind().export().storage()).isEqualTo(dir.resolve("a/b/c"));
    StorageOnAFile.assertRefused(dir, flags, this::problems);
  }

  @Test
  void guideFileLoadsAndValidationReportsItsMissingFilesWithTomlKeys() throws Exception {
    Path file = TomlSettingsFileTest.resource("guide.toml");
    flags.clear();
    flags.put(Setting.CONFIG, file.toString());
    RawSettings raw = new SettingsResolver(env).resolve(flags);
    assertThat(raw.problems()).isEmpty();
    assertThat(raw.warnings())
        .containsExactly(
            "namespace (from toml "
                + file
                + " key namespace) has no effect: Teleport no longer has namespaces; remove it");
    assertThat(missingFileProblems(raw))
        .containsExactly(
            "fluentd-ca (from toml "
                + file
                + " key forward.fluentd.ca): file /home/bob/event-handler/ca.crt does not exist",
            "fluentd-cert (from toml "
                + file
                + " key forward.fluentd.cert): file /home/bob/event-handler/client.crt does not"
                + " exist",
            "fluentd-key (from toml "
                + file
                + " key forward.fluentd.key): file /home/bob/event-handler/client.key does not"
                + " exist",
            "teleport-identity (from toml "
                + file
                + " key teleport.identity): file identity does not exist");
  }

  @Test
  void configureGeneratedFileLoadsAndEnablesRefresh() throws Exception {
    Path file = TomlSettingsFileTest.resource("configure-generated.toml");
    flags.clear();
    flags.put(Setting.CONFIG, file.toString());
    RawSettings raw = new SettingsResolver(env).resolve(flags);
    assertThat(raw.problems()).isEmpty();
    assertThat(raw.effective(Setting.TELEPORT_REFRESH_ENABLED).orElseThrow().text())
        .isEqualTo("true");
    assertThat(missingFileProblems(raw)).hasSize(4);
    // With the files in place (flags beat the file), the same file gives valid settings.
    flags.put(Setting.FLUENTD_CA, fixture.fluentdCa.toString());
    flags.put(Setting.FLUENTD_CERT, fixture.fluentdCert.toString());
    flags.put(Setting.FLUENTD_KEY, fixture.fluentdKey.toString());
    flags.put(Setting.TELEPORT_IDENTITY, fixture.identity.toString());
    flags.put(Setting.STORAGE, fixture.storage.toString());
    Settings s = bind();
    assertThat(s.teleport().refreshEnabled()).isTrue();
    assertThat(s.teleport().address()).isEqualTo(new HostPort("example.teleport.com", 443));
    assertThat(s.export().pollInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.export().batch()).isEqualTo(20);
    assertThat(s.export().windowSize()).isEqualTo(Duration.ofHours(24));
    assertThat(s.fluentd().url())
        .isEqualTo(URI.create("https://fluentd.example.com:8888/test.log"));
    assertThat(s.provenance().of(Setting.TELEPORT_REFRESH_ENABLED))
        .isEqualTo(new Source.TomlKey(file, "teleport.refresh.enabled"));
  }

  private static List<String> missingFileProblems(RawSettings raw) {
    try {
      SettingsBinder.bind(raw);
    } catch (InvalidSettingsException e) {
      return e.problems().stream().map(Problem::describe).filter(p -> p.contains("file ")).toList();
    }
    throw new AssertionError("expected missing files");
  }

  @Test
  void resolutionProblemsStopBinding() {
    flags.put(Setting.CONFIG, dir.resolve("absent.toml").toString());
    assertThatThrownBy(this::bind)
        .isInstanceOf(InvalidSettingsException.class)
        .hasMessage(
            "invalid configuration:\n  - config (from flag --config): configuration file "
                + dir.resolve("absent.toml")
                + " does not exist");
  }
}
