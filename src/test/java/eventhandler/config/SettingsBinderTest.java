package eventhandler.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
                Duration.ofSeconds(30)));
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
                List.of("print"),
                Optional.empty(),
                Duration.ofSeconds(5),
                false,
                false,
                5,
                Duration.ofHours(24)));
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
                Duration.ofHours(1)));
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
  void requiredSettingsNameEveryWayToSetThem() {
    flags.remove(Setting.STORAGE);
    flags.remove(Setting.FLUENTD_URL);
    flags.remove(Setting.FLUENTD_SESSION_URL);
    assertThat(problems())
        .containsExactlyInAnyOrder(
            "storage: is required; set --storage, env FDFWD_STORAGE or TOML key storage",
            "fluentd-url: is required; set --fluentd-url, env FDFWD_FLUENTD_URL or TOML key"
                + " forward.fluentd.url",
            "fluentd-session-url: is required; set --fluentd-session-url, env"
                + " FDFWD_FLUENTD_SESSION_URL or TOML key forward.fluentd.session-url");
  }

  @Test
  void identityAndKeyPairAreMutuallyExclusive() {
    flags.put(Setting.TELEPORT_CERT, fixture.fluentdCert.toString());
    env.put("FDFWD_TELEPORT_KEY", fixture.fluentdKey.toString());
    assertThat(problems())
        .containsExactly(
            "teleport-identity (from flag --teleport-identity): cannot be combined with"
                + " teleport-cert (from flag --teleport-cert), teleport-key (from env"
                + " FDFWD_TELEPORT_KEY); use either the identity file or teleport-cert,"
                + " teleport-key and teleport-ca");
  }

  @Test
  void keyPairMustBeComplete() {
    flags.remove(Setting.TELEPORT_IDENTITY);
    env.put("FDWRD_TELEPORT_CERT", fixture.fluentdCert.toString());
    assertThat(problems())
        .containsExactly(
            "teleport-cert (from env FDWRD_TELEPORT_CERT): needs teleport-key (--teleport-key,"
                + " env FDFWD_TELEPORT_KEY or TOML key teleport.key) and teleport-ca"
                + " (--teleport-ca, env FDFWD_TELEPORT_CA or TOML key teleport.ca) as well; or"
                + " use teleport-identity instead");
  }

  @Test
  void credentialsMustBeGiven() {
    flags.remove(Setting.TELEPORT_IDENTITY);
    assertThat(problems())
        .containsExactly(
            "teleport-identity: Teleport credentials are missing: set an identity file"
                + " (--teleport-identity, env FDFWD_TELEPORT_IDENTITY or TOML key"
                + " teleport.identity), or all of teleport-cert, teleport-key and teleport-ca");
  }

  @Test
  void fluentdCertificateNeedsItsKey() {
    flags.remove(Setting.FLUENTD_KEY);
    assertThat(problems())
        .containsExactly(
            "fluentd-cert (from flag --fluentd-cert): needs fluentd-key as well (--fluentd-key,"
                + " env FDFWD_FLUENTD_KEY or TOML key forward.fluentd.key); the certificate and"
                + " its key go together");
    flags.put(Setting.FLUENTD_KEY, fixture.fluentdKey.toString());
    flags.remove(Setting.FLUENTD_CERT);
    assertThat(problems())
        .singleElement()
        .asString()
        .startsWith("fluentd-key (from flag --fluentd-key): needs fluentd-cert as well");
  }

  @Test
  void filesMustExistAndBeFiles() {
    flags.put(Setting.FLUENTD_CA, dir.resolve("nope.crt").toString());
    env.put("FDFWD_FLUENTD_KEY", dir.toString());
    flags.remove(Setting.FLUENTD_KEY);
    assertThat(problems())
        .containsExactlyInAnyOrder(
            "fluentd-ca (from flag --fluentd-ca): file "
                + dir.resolve("nope.crt")
                + " does not exist",
            "fluentd-key (from env FDFWD_FLUENTD_KEY): " + dir + " is a directory, not a file");
  }

  @Test
  void filesMustBeReadable() throws Exception {
    Files.setPosixFilePermissions(fixture.identity, PosixFilePermissions.fromString("---------"));
    assumeThat(Files.isReadable(fixture.identity)).as("not running as root").isFalse();
    assertThat(problems())
        .containsExactly(
            "teleport-identity (from flag --teleport-identity): file "
                + fixture.identity
                + " is not readable (check its permissions)");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "fluentd-url|http://fluentd:8888/x|expected an https URL with a host, like"
            + " https://fluentd.example.com:8888/test.log, got \"http://fluentd:8888/x\"",
        "fluentd-session-url|https:///session|expected an https URL with a host, like"
            + " https://fluentd.example.com:8888/test.log, got \"https:///session\"",
        "fluentd-url|http://bob:pw@fluentd/x|expected an https URL with a host, like"
            + " https://fluentd.example.com:8888/test.log, got \"http://bob:***@fluentd/x\"",
        "batch|0|must be from 1 to 10000 (Teleport returns at most 10000 events per request),"
            + " got 0",
        "batch|10001|must be from 1 to 10000 (Teleport returns at most 10000 events per"
            + " request), got 10001",
        "batch|twenty|expected a whole number, got \"twenty\"",
        "concurrency|0|must be from 1 to 1000 (Teleport serves at most 1000 streams per"
            + " connection), got 0",
        "fluentd-max-connections|0|must be from 1 to 1000, got 0",
        "fluentd-batch-size|10001|must be from 1 to 10000, got 10001",
        "fluentd-batch-bytes|32MiB|must be at least 1KiB and below 32MiB (Fluentd refuses request"
            + " bodies of 32MiB and more), got 32MiB",
        "fluentd-batch-bytes|1000|must be at least 1KiB and below 32MiB (Fluentd refuses request"
            + " bodies of 32MiB and more), got 1000",
        "teleport-max-message-size|512KiB|must be at least 1MiB and below 2GiB, got 512KiB",
        "lock-failed-attempts-count|0|must be at least 1, got 0",
        "timeout|0|must be longer than 0, got 0s",
        "window-size|-1h|must be longer than 0, got -1h0m0s",
        "lock-period|0s|must be longer than 0, got 0s",
        "teleport-refresh-interval|0|must be longer than 0, got 0s",
        "fluentd-timeout|0|must be longer than 0, got 0s",
        "teleport-dial-timeout|0|must be longer than 0, got 0s",
        "timeout|10|missing unit in duration \"10\" (use ns, us, ms, s, m or h, e.g. 10s)",
        "lock-for|-1s|must not be negative (0 means the lock never expires)",
        "teleport-addr|teleport.example.com|expected host:port with a port number, like"
            + " teleport.example.com:443, got \"teleport.example.com\"",
        "teleport-addr|:3025|expected host:port with a host and a port from 1 to 65535, like"
            + " teleport.example.com:443, got \":3025\"",
        "teleport-addr|t:0|expected host:port with a host and a port from 1 to 65535, like"
            + " teleport.example.com:443, got \"t:0\"",
        "metrics-addr|localhost|expected host:port with a port number, like"
            + " teleport.example.com:443, got \"localhost\"",
        "start-time|2021-05-05|expected an RFC 3339 time like 2021-05-05T00:00:00Z, got"
            + " \"2021-05-05\"",
        "dry-run|yes|expected true or false, got \"yes\"",
        "debug|maybe|expected true or false, got \"maybe\"",
        "storage|''|expected a path, got an empty value",
      })
  void invalidValueNamesTheSettingAndTheFlag(String flag, String value, String message) {
    flags.put(Setting.byFlagName(flag).orElseThrow(), value);
    assertThat(problems()).containsExactly(flag + " (from flag --" + flag + "): " + message);
  }

  @Test
  void invalidValueFromTheEnvironmentNamesTheVariable() {
    env.put("FDFWD_LOCKING_PERIOD", "1 minute");
    assertThat(problems())
        .containsExactly(
            "lock-period (from env FDFWD_LOCKING_PERIOD): unknown unit \" minute\" in duration"
                + " \"1 minute\" (use ns, us, ms, s, m or h)");
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
    Path file = Files.writeString(dir.resolve("file"), "x");
    flags.put(Setting.STORAGE, file.toString());
    assertThat(problems())
        .containsExactly(
            "storage (from flag --storage): " + file + " exists but is not a directory");
    flags.put(Setting.STORAGE, file.resolve("sub").toString());
    assertThat(problems())
        .containsExactly(
            "storage (from flag --storage): cannot create "
                + file.resolve("sub")
                + ": "
                + file
                + " is not a directory");
  }

  @Test
  void storageDirectoryMustBeWritable() throws Exception {
    Path readOnly = Files.createDirectory(dir.resolve("ro"));
    Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-x------"));
    assumeThat(Files.isWritable(readOnly)).as("not running as root").isFalse();
    flags.put(Setting.STORAGE, readOnly.toString());
    assertThat(problems())
        .containsExactly(
            "storage (from flag --storage): directory "
                + readOnly
                + " is not writable (check its permissions)");
  }

  @Test
  void allProblemsAreReportedAtOnce() {
    flags.remove(Setting.STORAGE);
    flags.put(Setting.BATCH, "0");
    flags.put(Setting.TIMEOUT, "soon");
    flags.put(Setting.FLUENTD_URL, "http://x");
    env.put("FDFWD_CONCURRENCY", "-1");
    assertThat(problems())
        .hasSize(5)
        .anyMatch(p -> p.startsWith("storage:"))
        .anyMatch(p -> p.startsWith("batch (from flag --batch)"))
        .anyMatch(p -> p.startsWith("timeout (from flag --timeout)"))
        .anyMatch(p -> p.startsWith("fluentd-url (from flag --fluentd-url)"))
        .anyMatch(p -> p.startsWith("concurrency (from env FDFWD_CONCURRENCY)"));
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
