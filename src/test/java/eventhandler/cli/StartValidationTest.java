package eventhandler.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import eventhandler.config.ConfigFixture;
import eventhandler.config.Setting;
import eventhandler.config.StorageOnAFile;
import eventhandler.tls.NativeTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every validation error of {@code start}, through the real command line: the message names the
 * setting and where its value came from, the exit code is 2, there is no stack trace, and the
 * export never starts.
 */
class StartValidationTest {
  @TempDir Path dir;
  private ConfigFixture fixture;
  private Map<Setting, String> flags;
  private final Map<String, String> env = new HashMap<>();

  @BeforeEach
  void setUp() {
    fixture = new ConfigFixture(dir);
    flags = fixture.validFlags();
  }

  /** Runs {@code start} (and {@code start --check}) and returns the listed problems. */
  private List<String> problems() {
    String[] args = startArgs();
    CommandLineRun run = CommandLineRun.run(env, args);
    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .startsWith("error: invalid configuration (")
        .endsWith(
            "Run 'teleport-event-handler start --check' to see every setting and where its"
                + " value comes from.\n")
        .doesNotContain("\tat ");
    List<String> problems =
        run.err().lines().filter(l -> l.startsWith("  - ")).map(l -> l.substring(4)).toList();
    String[] checkArgs = append(args, "--check");
    CommandLineRun check = CommandLineRun.run(env, checkArgs);
    assertThat(check.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(check.err().lines().filter(l -> l.startsWith("  - ")).map(l -> l.substring(4)))
        .isEqualTo(problems);
    return problems;
  }

  @Test
  void anUnknownTlsChoiceStopsStartWithTheAcceptedValues() {
    String[] args = startArgs();
    System.setProperty(NativeTls.PROPERTY, "boring");
    try {
      for (String[] command : List.of(args, append(args, "--check"))) {
        CommandLineRun run = CommandLineRun.run(env, command);
        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err())
            .isEqualTo("error: -Deventhandler.tls=boring: expected auto, jdk or openssl\n");
      }
    } finally {
      System.clearProperty(NativeTls.PROPERTY);
    }
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
            + " 127.0.0.1:9090, got \"localhost\"",
        "start-time|2021-05-05|expected an RFC 3339 time like 2021-05-05T00:00:00Z, got"
            + " \"2021-05-05\"",
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

  @ParameterizedTest
  @ValueSource(strings = {"FDFWD_DRY_RUN", "FDFWD_DEBUG", "FDFWD_LOCKING_ENABLED"})
  void invalidBooleanFromTheEnvironment(String variable) {
    env.put(variable, "yes");
    Setting setting =
        Stream.of(Setting.values())
            .filter(s -> s.environmentVariables().contains(variable))
            .findFirst()
            .orElseThrow();
    assertThat(problems())
        .containsExactly(
            setting.flagName()
                + " (from env "
                + variable
                + "): expected true or false, got \"yes\"");
  }

  @Test
  void storageThatIsAFileOrUnderAFile() throws Exception {
    StorageOnAFile.assertRefused(dir, flags, this::problems);
  }

  @Test
  void invalidTomlFileIsAConfigError() throws Exception {
    Path toml = Files.writeString(dir.resolve("bad.toml"), "storage = \n");
    flags.put(Setting.CONFIG, toml.toString());
    assertThat(problems())
        .singleElement()
        .asString()
        .startsWith(
            "config (from flag --config): configuration file " + toml + " is not valid TOML");
  }

  @Test
  void missingTomlFileFromTheEnvironment() {
    env.put("FDFWD_CONFIG", dir.resolve("absent.toml").toString());
    assertThat(problems())
        .containsExactly(
            "config (from env FDFWD_CONFIG): configuration file "
                + dir.resolve("absent.toml")
                + " does not exist");
  }

  @Test
  void sameSettingTwiceInTheTomlFile() throws Exception {
    Path toml =
        Files.writeString(
            dir.resolve("twice.toml"), "lock-period = \"1m\"\n[lock]\nperiod = \"2m\"\n");
    flags.put(Setting.CONFIG, toml.toString());
    assertThat(problems())
        .containsExactly(
            "lock-period (from toml "
                + toml
                + " key lock.period): also set by key lock-period in the same file; keep only one"
                + " of them");
  }

  private static String[] append(String[] args, String arg) {
    return Stream.concat(Stream.of(args), Stream.of(arg)).toArray(String[]::new);
  }

  private String[] startArgs() {
    return Stream.concat(
            Stream.of("start"),
            flags.entrySet().stream().map(e -> e.getKey().longOption() + "=" + e.getValue()))
        .toArray(String[]::new);
  }
}
