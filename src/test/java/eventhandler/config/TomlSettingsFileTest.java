package eventhandler.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TomlSettingsFileTest {
  private static final Path FILE = Path.of("handler.toml");
  private static final Source CONFIG_FLAG = new Source.Flag("--config");

  private static TomlSettingsFile.Contents parse(String toml) {
    return TomlSettingsFile.parse(FILE, toml, CONFIG_FLAG);
  }

  private static RawValue value(String toml, Setting setting) {
    TomlSettingsFile.Contents contents = parse(toml);
    assertThat(contents.problems()).isEmpty();
    assertThat(contents.warnings()).isEmpty();
    return contents.values().get(setting);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "teleport-addr = \"t:443\"",
        "[teleport]\naddr = \"t:443\"",
        "teleport.addr = \"t:443\"",
        "[teleport]\n\"addr\" = \"t:443\"",
      })
  void teleportAddrInEveryForm(String toml) {
    assertThat(value(toml, Setting.TELEPORT_ADDR).text()).isEqualTo("t:443");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "teleport-refresh-enabled = true|teleport-refresh-enabled",
        "[teleport]\\nrefresh.enabled = true|teleport.refresh.enabled",
        "[teleport.refresh]\\nenabled = true|teleport.refresh.enabled",
        "[teleport]\\nrefresh-enabled = true|teleport.refresh-enabled",
        "teleport.refresh-enabled = true|teleport.refresh-enabled",
        "teleport-refresh.enabled = true|teleport-refresh.enabled",
      })
  void anyDashMayBeATableOrADottedKey(String toml, String keyAsWritten) {
    RawValue value = value(toml.replace("\\n", "\n"), Setting.TELEPORT_REFRESH_ENABLED);
    assertThat(value.text()).isEqualTo("true");
    assertThat(value.source()).isEqualTo(new Source.TomlKey(FILE, keyAsWritten));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "[lock]\nenabled = true",
        "lock.enabled = true",
        "lock-enabled = true",
        "[lock]\nenabled = \"true\"",
      })
  void lockSettingsUnderLockTable(String toml) {
    assertThat(value(toml, Setting.LOCK_ENABLED).text()).isEqualTo("true");
  }

  @Test
  void lockTableHoldsEveryLockSetting() {
    TomlSettingsFile.Contents contents =
        parse("[lock]\nenabled = true\nfailed-attempts-count = 5\nperiod = \"2m\"\nfor = \"1h\"\n");
    assertThat(contents.values())
        .extractingByKeys(
            Setting.LOCK_ENABLED,
            Setting.LOCK_FAILED_ATTEMPTS_COUNT,
            Setting.LOCK_PERIOD,
            Setting.LOCK_FOR)
        .extracting(RawValue::text)
        .containsExactly("true", "5", "2m", "1h");
  }

  @Test
  void fluentdFlagsLiveUnderForwardFluentd() {
    TomlSettingsFile.Contents contents =
        parse(
            "[forward.fluentd]\n"
                + "url = \"https://f/a\"\n"
                + "session-url = \"https://f/s\"\n"
                + "ca = \"ca.crt\"\n"
                + "cert = \"c.crt\"\n"
                + "key = \"c.key\"\n"
                + "max-connections = 7\n"
                + "batch-size = 100\n"
                + "batch-bytes = \"1MiB\"\n"
                + "timeout = \"3s\"\n");
    assertThat(contents.warnings()).isEmpty();
    assertThat(contents.values())
        .extractingByKeys(
            Setting.FLUENTD_URL,
            Setting.FLUENTD_SESSION_URL,
            Setting.FLUENTD_CA,
            Setting.FLUENTD_CERT,
            Setting.FLUENTD_KEY,
            Setting.FLUENTD_MAX_CONNECTIONS,
            Setting.FLUENTD_BATCH_SIZE,
            Setting.FLUENTD_BATCH_BYTES,
            Setting.FLUENTD_TIMEOUT)
        .extracting(RawValue::text)
        .containsExactly(
            "https://f/a", "https://f/s", "ca.crt", "c.crt", "c.key", "7", "100", "1MiB", "3s");
    assertThat(contents.values().get(Setting.FLUENTD_MAX_CONNECTIONS).source())
        .isEqualTo(new Source.TomlKey(FILE, "forward.fluentd.max-connections"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "forward.fluentd.url = \"https://f/a\"",
        "[forward]\nfluentd.url = \"https://f/a\"",
        "[forward]\nfluentd-url = \"https://f/a\"",
        "forward-fluentd-url = \"https://f/a\"",
      })
  void forwardFluentdInOtherForms(String toml) {
    assertThat(value(toml, Setting.FLUENTD_URL).text()).isEqualTo("https://f/a");
  }

  @Test
  void scalarTypesReadAsText() {
    TomlSettingsFile.Contents contents =
        parse(
            "batch = 20\ndry-run = false\ntimeout = \"10s\"\nstart-time = 2021-05-05T00:00:00Z\n"
                + "concurrency = \"7\"\n");
    assertThat(contents.values())
        .extractingByKeys(
            Setting.BATCH,
            Setting.DRY_RUN,
            Setting.TIMEOUT,
            Setting.START_TIME,
            Setting.CONCURRENCY)
        .extracting(RawValue::text)
        .containsExactly("20", "false", "10s", "2021-05-05T00:00:00Z", "7");
  }

  @Test
  void listsAsCommaStringOrArray() {
    TomlSettingsFile.Contents contents =
        parse(
            "types = \"user.login,session.start\"\n"
                + "skip-event-types = [\"app.session.chunk\", \"print\"]\n"
                + "skip-session-types = []\n");
    assertThat(contents.problems()).isEmpty();
    assertThat(contents.values().get(Setting.TYPES).text()).isEqualTo("user.login,session.start");
    assertThat(contents.values().get(Setting.SKIP_EVENT_TYPES).text())
        .isEqualTo("app.session.chunk,print");
    assertThat(contents.values().get(Setting.SKIP_SESSION_TYPES).text()).isEmpty();
  }

  @Test
  void arrayForASingleValueIsAProblem() {
    TomlSettingsFile.Contents contents = parse("batch = [1, 2]\n");
    assertThat(contents.problems())
        .singleElement()
        .isEqualTo(
            new Problem(
                Setting.BATCH,
                new Source.TomlKey(FILE, "batch"),
                "expected a single value, not an array or table"));
  }

  @Test
  void theSameSettingTwiceIsAProblem() {
    TomlSettingsFile.Contents contents =
        parse("teleport-addr = \"a:1\"\n[teleport]\naddr = \"b:2\"\n");
    assertThat(contents.problems())
        .singleElement()
        .extracting(Problem::describe)
        .isEqualTo(
            "teleport-addr (from toml handler.toml key teleport.addr): also set by key"
                + " teleport-addr in the same file; keep only one of them");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "[fluentd]\\nurl = \"https://f/a\"|fluentd.url|forward.fluentd.url",
        "fluentd-url = \"https://f/a\"|fluentd-url|forward.fluentd.url",
        "windowsize = \"1h\"|windowsize|window-size",
        "[teleport]\\nadress = \"t:1\"|teleport.adress|teleport.addr",
        "[teleport]\\nrefresh.enable = true|teleport.refresh.enable|teleport.refresh.enabled",
        "[lock]\\nfailed-attempts = 3|lock.failed-attempts|lock.failed-attempts-count",
        "strage = \"/x\"|strage|storage",
      })
  void unknownKeysWarnWithTheClosestKnownKey(String toml, String key, String suggestion) {
    TomlSettingsFile.Contents contents = parse(toml.replace("\\n", "\n"));
    assertThat(contents.values()).isEmpty();
    assertThat(contents.problems()).isEmpty();
    assertThat(contents.warnings())
        .containsExactly(
            "unknown key \""
                + key
                + "\" in handler.toml is ignored; did you mean \""
                + suggestion
                + "\"?");
  }

  @Test
  void invalidTomlIsAProblemOfTheConfigSetting() {
    TomlSettingsFile.Contents contents = parse("storage = \n");
    assertThat(contents.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.setting()).isEqualTo(Setting.CONFIG);
              assertThat(p.source()).isEqualTo(CONFIG_FLAG);
              assertThat(p.message())
                  .startsWith("configuration file handler.toml is not valid TOML: ")
                  .contains("line 1");
            });
  }

  @Test
  void missingFileIsAProblemOfTheConfigSetting(@TempDir Path dir) {
    Path missing = dir.resolve("nope.toml");
    TomlSettingsFile.Contents contents =
        TomlSettingsFile.load(missing, new Source.Environment("FDFWD_CONFIG"));
    assertThat(contents.problems())
        .extracting(Problem::describe)
        .containsExactly(
            "config (from env FDFWD_CONFIG): configuration file " + missing + " does not exist");
  }

  @Test
  void directoryInsteadOfFileIsAProblem(@TempDir Path dir) {
    TomlSettingsFile.Contents contents = TomlSettingsFile.load(dir, CONFIG_FLAG);
    assertThat(contents.problems())
        .singleElement()
        .extracting(Problem::setting)
        .isEqualTo(Setting.CONFIG);
  }

  @Test
  void guideFileLoadsUnchanged() throws Exception {
    Path file = resource("guide.toml");
    TomlSettingsFile.Contents contents = TomlSettingsFile.load(file, CONFIG_FLAG);
    assertThat(contents.problems()).isEmpty();
    assertThat(contents.warnings()).isEmpty();
    assertThat(texts(contents))
        .containsExactlyInAnyOrderEntriesOf(
            Map.ofEntries(
                Map.entry(Setting.STORAGE, "./storage"),
                Map.entry(Setting.TIMEOUT, "10s"),
                Map.entry(Setting.BATCH, "20"),
                Map.entry(Setting.NAMESPACE, "default"),
                Map.entry(Setting.WINDOW_SIZE, "24h"),
                Map.entry(Setting.FLUENTD_CA, "/home/bob/event-handler/ca.crt"),
                Map.entry(Setting.FLUENTD_CERT, "/home/bob/event-handler/client.crt"),
                Map.entry(Setting.FLUENTD_KEY, "/home/bob/event-handler/client.key"),
                Map.entry(Setting.FLUENTD_URL, "https://fluentd.example.com:8888/test.log"),
                Map.entry(Setting.FLUENTD_SESSION_URL, "https://fluentd.example.com:8888/session"),
                Map.entry(Setting.TELEPORT_ADDR, "example.teleport.com:443"),
                Map.entry(Setting.TELEPORT_IDENTITY, "identity")));
    assertThat(contents.values().get(Setting.FLUENTD_SESSION_URL).source())
        .isEqualTo(new Source.TomlKey(file, "forward.fluentd.session-url"));
  }

  @Test
  void configureGeneratedFileLoadsUnchanged() throws Exception {
    Path file = resource("configure-generated.toml");
    TomlSettingsFile.Contents contents = TomlSettingsFile.load(file, CONFIG_FLAG);
    assertThat(contents.problems()).isEmpty();
    assertThat(contents.warnings()).isEmpty();
    assertThat(texts(contents)).hasSize(13).containsEntry(Setting.TELEPORT_REFRESH_ENABLED, "true");
    assertThat(contents.values().get(Setting.TELEPORT_REFRESH_ENABLED).source())
        .isEqualTo(new Source.TomlKey(file, "teleport.refresh.enabled"));
  }

  static Path resource(String name) throws Exception {
    Path path = Path.of(TomlSettingsFileTest.class.getResource(name).toURI());
    assertThat(Files.isRegularFile(path)).isTrue();
    return path;
  }

  private static Map<Setting, String> texts(TomlSettingsFile.Contents contents) {
    Map<Setting, String> texts = new java.util.EnumMap<>(Setting.class);
    contents.values().forEach((s, v) -> texts.put(s, v.text()));
    return texts;
  }
}
