package eventhandler.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsResolverTest {
  @TempDir Path dir;
  private Path toml;
  private final Map<String, String> env = new HashMap<>();
  private final Map<Setting, String> flags = new HashMap<>();

  @BeforeEach
  void writeToml() throws IOException {
    toml = dir.resolve("handler.toml");
    Files.writeString(toml, "window-size = \"12h\"\n[forward.fluentd]\nmax-connections = 3\n");
  }

  private RawSettings resolve() {
    return new SettingsResolver(env).resolve(flags);
  }

  @Test
  void defaultWhenNothingSetsIt() {
    RawSettings raw = resolve();
    assertThat(raw.explicit(Setting.WINDOW_SIZE)).isEmpty();
    assertThat(raw.effective(Setting.WINDOW_SIZE)).contains(new RawValue("24h", Source.DEFAULT));
    assertThat(raw.sourceOf(Setting.WINDOW_SIZE)).isEqualTo(Source.DEFAULT);
    assertThat(raw.effective(Setting.STORAGE)).isEmpty();
  }

  @Test
  void tomlBeatsDefault() {
    flags.put(Setting.CONFIG, toml.toString());
    assertThat(resolve().effective(Setting.WINDOW_SIZE))
        .contains(new RawValue("12h", new Source.TomlKey(toml, "window-size")));
  }

  @Test
  void environmentBeatsToml() {
    flags.put(Setting.CONFIG, toml.toString());
    env.put("FDFWD_WINDOW_SIZE", "6h");
    assertThat(resolve().effective(Setting.WINDOW_SIZE))
        .contains(new RawValue("6h", new Source.Environment("FDFWD_WINDOW_SIZE")));
  }

  @Test
  void flagBeatsEnvironment() {
    flags.put(Setting.CONFIG, toml.toString());
    env.put("FDFWD_WINDOW_SIZE", "6h");
    flags.put(Setting.WINDOW_SIZE, "1h");
    assertThat(resolve().effective(Setting.WINDOW_SIZE))
        .contains(new RawValue("1h", new Source.Flag("--window-size")));
  }

  @Test
  void configFileFromTheEnvironment() {
    env.put("FDFWD_CONFIG", toml.toString());
    RawSettings raw = resolve();
    assertThat(raw.effective(Setting.CONFIG))
        .contains(new RawValue(toml.toString(), new Source.Environment("FDFWD_CONFIG")));
    assertThat(raw.effective(Setting.WINDOW_SIZE).orElseThrow().text()).isEqualTo("12h");
  }

  @Test
  void configFlagBeatsConfigEnvironment() throws IOException {
    Path other = Files.writeString(dir.resolve("other.toml"), "window-size = \"2h\"\n");
    env.put("FDFWD_CONFIG", toml.toString());
    flags.put(Setting.CONFIG, other.toString());
    assertThat(resolve().effective(Setting.WINDOW_SIZE).orElseThrow().source())
        .isEqualTo(new Source.TomlKey(other, "window-size"));
  }

  @Test
  void missingConfigFileIsAProblemNamingItsSource() {
    env.put("FDFWD_CONFIG", dir.resolve("missing.toml").toString());
    assertThat(resolve().problems())
        .extracting(Problem::describe)
        .containsExactly(
            "config (from env FDFWD_CONFIG): configuration file "
                + dir.resolve("missing.toml")
                + " does not exist");
  }

  @ParameterizedTest
  @CsvSource({
    "FDFWD_FLUENTD_CERT, fluentd-cert",
    "FDWRD_FLUENTD_CERT, fluentd-cert",
    "FDFWD_FLUENTD_KEY, fluentd-key",
    "FDWRD_FLUENTD_KEY, fluentd-key",
    "FDFWD_FLUENTD_CA, fluentd-ca",
    "FDWRD_FLUENTD_CA, fluentd-ca",
    "FDFWD_TELEPORT_CERT, teleport-cert",
    "FDWRD_TELEPORT_CERT, teleport-cert",
    "FDFWD_MAX_CONNECTIONS, fluentd-max-connections",
    "FDWRD_MAX_CONNECTIONS, fluentd-max-connections",
    "FDFWD_LOCKING_ENABLED, lock-enabled",
    "FDFWD_LOCKING_FAILED_ATTEMPTS, lock-failed-attempts-count",
    "FDFWD_LOCKING_PERIOD, lock-period",
    "FDFWD_LOCKING_FOR, lock-for",
    "FDFWD_WINDOW_SIZE, window-size",
    "FDFWD_DRY_RUN, dry-run",
    "FDFWD_EXIT_ON_LAST_EVENT, exit-on-last-event",
    "FDFWD_CONCURRENCY, concurrency",
    "FDFWD_TELEPORT_REFRESH_ENABLED, teleport-refresh-enabled",
    "FDFWD_DEBUG, debug",
    "FDFWD_NAMESPACE, namespace",
  })
  void goPluginEnvironmentNames(String variable, String flag) {
    env.put(variable, "x");
    Setting setting = Setting.byFlagName(flag).orElseThrow();
    assertThat(resolve().effective(setting))
        .contains(new RawValue("x", new Source.Environment(variable)));
  }

  @Test
  void everyStartSettingHasAnFdfwdVariableNamedLikeItsFlagUnlessTheGoPluginDiffers() {
    for (Setting s : Setting.inScope(Setting.Scope.START)) {
      String expected = "FDFWD_" + s.flagName().toUpperCase().replace('-', '_');
      if (s.flagName().startsWith("lock-") || s == Setting.FLUENTD_MAX_CONNECTIONS) {
        continue;
      }
      assertThat(s.environmentVariables().get(0)).as(s.flagName()).isEqualTo(expected);
    }
  }

  @Test
  void correctSpellingWinsOverTheMisspeltAlias() {
    env.put("FDWRD_FLUENTD_CERT", "old.crt");
    env.put("FDFWD_FLUENTD_CERT", "new.crt");
    env.put("FDWRD_MAX_CONNECTIONS", "3");
    env.put("FDFWD_MAX_CONNECTIONS", "4");
    RawSettings raw = resolve();
    assertThat(raw.effective(Setting.FLUENTD_CERT))
        .contains(new RawValue("new.crt", new Source.Environment("FDFWD_FLUENTD_CERT")));
    assertThat(raw.effective(Setting.FLUENTD_MAX_CONNECTIONS).orElseThrow().text()).isEqualTo("4");
  }

  @Test
  void emptyEnvironmentVariableCountsAsUnset() {
    flags.put(Setting.CONFIG, toml.toString());
    env.put("FDFWD_WINDOW_SIZE", "");
    env.put("FDFWD_MAX_CONNECTIONS", "");
    env.put("FDWRD_MAX_CONNECTIONS", "9");
    RawSettings raw = resolve();
    assertThat(raw.effective(Setting.WINDOW_SIZE).orElseThrow().text()).isEqualTo("12h");
    assertThat(raw.effective(Setting.FLUENTD_MAX_CONNECTIONS).orElseThrow().source())
        .isEqualTo(new Source.Environment("FDWRD_MAX_CONNECTIONS"));
  }

  @Test
  void unknownFdfwdVariablesWarnWithTheClosestName() {
    env.put("FDFWD_WINDOWSIZE", "1h");
    env.put("FDWRD_FLUENTD_URL", "https://f/x");
    env.put("PATH", "/bin");
    assertThat(resolve().warnings())
        .containsExactly(
            "unknown environment variable FDFWD_WINDOWSIZE is ignored; did you mean"
                + " FDFWD_WINDOW_SIZE?",
            "unknown environment variable FDWRD_FLUENTD_URL is ignored; did you mean"
                + " FDFWD_FLUENTD_URL?");
  }

  @Test
  void namespaceWarnsThatItHasNoEffect() throws IOException {
    Files.writeString(toml, "namespace = \"default\"\n");
    flags.put(Setting.CONFIG, toml.toString());
    assertThat(resolve().warnings())
        .containsExactly(
            "namespace (from toml "
                + toml
                + " key namespace) has no effect: Teleport no longer has namespaces; remove it");
    flags.put(Setting.NAMESPACE, "default");
    assertThat(resolve().warnings())
        .singleElement()
        .asString()
        .startsWith("namespace (from flag --namespace) has no effect");
    flags.remove(Setting.NAMESPACE);
    flags.remove(Setting.CONFIG);
    env.put("FDFWD_NAMESPACE", "default");
    assertThat(resolve().warnings())
        .singleElement()
        .asString()
        .startsWith("namespace (from env FDFWD_NAMESPACE) has no effect");
  }

  @Test
  void tomlWarningsAreKept() throws IOException {
    Files.writeString(toml, "windowsize = \"1h\"\n");
    flags.put(Setting.CONFIG, toml.toString());
    assertThat(resolve().warnings())
        .containsExactly(
            "unknown key \"windowsize\" in " + toml + " is ignored; did you mean \"window-size\"?");
  }
}
