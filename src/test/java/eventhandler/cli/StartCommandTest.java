package eventhandler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import eventhandler.config.ConfigFixture;
import eventhandler.config.HostPort;
import eventhandler.config.Setting;
import eventhandler.config.Settings;
import eventhandler.config.Source;
import eventhandler.config.TeleportCredentials;
import eventhandler.logging.LogDetail;
import eventhandler.startup.ExportRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

class StartCommandTest {
  @TempDir Path dir;
  private ConfigFixture fixture;
  private final Map<String, String> env = new HashMap<>();
  private final AtomicReference<Settings> received = new AtomicReference<>();
  private final ExportRunner recordingRunner =
      settings -> {
        received.set(settings);
        return ExitCodes.OK;
      };
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger startLogger = (Logger) LoggerFactory.getLogger(StartCommand.class);
  private final Logger rootLogger = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);

  @BeforeEach
  void setUp() {
    fixture = new ConfigFixture(dir);
    logs.start();
    startLogger.addAppender(logs);
  }

  @AfterEach
  void restoreLogging() {
    startLogger.detachAppender(logs);
    LogDetail.reset();
  }

  private String[] start(String... extra) {
    List<String> args = new ArrayList<>(List.of("start"));
    args.addAll(Arrays.asList(fixture.validArguments()));
    args.addAll(Arrays.asList(extra));
    return args.toArray(String[]::new);
  }

  private CommandLineRun runRecording(String... args) {
    return CommandLineRun.run(env, recordingRunner, args);
  }

  @Test
  void validSettingsAreHandedToTheExportRunner() {
    CommandLineRun run = runRecording(start("--teleport-addr", "teleport.example.com:443"));
    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).isEmpty();
    Settings settings = received.get();
    assertThat(settings.teleport().address()).isEqualTo(new HostPort("teleport.example.com", 443));
    assertThat(settings.teleport().credentials())
        .isEqualTo(new TeleportCredentials.IdentityFile(fixture.identity));
    assertThat(settings.provenance().of(Setting.TELEPORT_ADDR))
        .isEqualTo(new Source.Flag("--teleport-addr"));
  }

  @Test
  void exitCodeOfTheRunnerIsTheExitCodeOfTheProcess() {
    assertThat(CommandLineRun.run(env, s -> 1, start()).exitCode()).isEqualTo(1);
  }

  @Test
  void startupSettingsAreLoggedWithSecretsMasked() {
    runRecording(start("--fluentd-url", "https://bob:hunter2@fluentd.example.com/a?token=t0ken"));
    List<String> messages = logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    assertThat(messages).contains("Starting with these settings:");
    assertThat(messages)
        .anyMatch(
            m ->
                m.matches(
                    "  fluentd-url +="
                        + " https://bob:\\*\\*\\*@fluentd.example.com/a\\?token=\\*\\*\\*"
                        + "  \\[flag --fluentd-url]"));
    assertThat(String.join("\n", messages)).doesNotContain("hunter2").doesNotContain("t0ken");
  }

  @Test
  void warningsAreLogged() {
    env.put("FDFWD_NAMESPACE", "default");
    assertThat(runRecording(start()).exitCode()).isZero();
    assertThat(logs.list)
        .filteredOn(e -> e.getLevel() == Level.WARN)
        .extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly(
            "namespace (from env FDFWD_NAMESPACE) has no effect: Teleport no longer has"
                + " namespaces; remove it");
  }

  @Test
  void checkPrintsEffectiveSettingsWithSourcesAndMasksSecrets() throws Exception {
    Path toml =
        Files.writeString(
            dir.resolve("handler.toml"),
            "batch = 50\n[teleport]\naddr = \"teleport.example.com:443\"\n"
                + "[forward.fluentd]\nurl = \"https://bob:hunter2@fluentd.example.com/a\"\n"
                + "session-url = \"https://fluentd.example.com/s?token=t0ken\"\n");
    env.put("FDFWD_WINDOW_SIZE", "6h");
    env.put("FDWRD_MAX_CONNECTIONS", "4");
    CommandLineRun run =
        CommandLineRun.run(
            env,
            "start",
            "--check",
            "-c",
            toml.toString(),
            "--storage",
            fixture.storage.toString(),
            "--teleport-identity",
            fixture.identity.toString(),
            "--fluentd-cert=" + fixture.fluentdCert,
            "--fluentd-key=" + fixture.fluentdKey,
            "--timeout=1m");
    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out())
        .startsWith("Effective settings (flag > environment variable > TOML file > default):\n")
        .endsWith("The configuration is valid.\n")
        .doesNotContain("hunter2")
        .doesNotContain("t0ken");
    assertThat(run.out().lines())
        .contains(
            line("timeout", "1m0s", "flag --timeout"),
            line("window-size", "6h0m0s", "env FDFWD_WINDOW_SIZE"),
            line("fluentd-max-connections", "4", "env FDWRD_MAX_CONNECTIONS"),
            line("batch", "50", "toml " + toml + " key batch"),
            line(
                "teleport-addr", "teleport.example.com:443", "toml " + toml + " key teleport.addr"),
            line(
                "fluentd-url",
                "https://bob:***@fluentd.example.com/a",
                "toml " + toml + " key forward.fluentd.url"),
            line(
                "fluentd-session-url",
                "https://fluentd.example.com/s?token=***",
                "toml " + toml + " key forward.fluentd.session-url"),
            line("concurrency", "5", "default"),
            line("fluentd-cert", fixture.fluentdCert.toString(), "flag --fluentd-cert"),
            line("fluentd-ca", "<unset>", "default"),
            line("config", toml.toString(), "flag --config"));
    assertThat(received.get()).isNull();
  }

  @Test
  void checkReportsEveryProblemAndExitsWithTwo() {
    env.put("FDFWD_BATCH", "0");
    CommandLineRun run =
        CommandLineRun.run(env, "start", "--check", "--fluentd-url", "http://bob:hunter2@f/x");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).contains(line("batch", "0", "env FDFWD_BATCH"));
    assertThat(run.err())
        .isEqualTo(
            "error: invalid configuration (5 problems):\n"
                + "  - fluentd-url (from flag --fluentd-url): expected an https URL with a host,"
                + " like https://fluentd.example.com:8888/test.log, got"
                + " \"http://bob:***@f/x\"\n"
                + "  - fluentd-session-url: is required; set --fluentd-session-url, env"
                + " FDFWD_FLUENTD_SESSION_URL or TOML key forward.fluentd.session-url\n"
                + "  - teleport-identity: Teleport credentials are missing: set an identity file"
                + " (--teleport-identity, env FDFWD_TELEPORT_IDENTITY or TOML key"
                + " teleport.identity), or all of teleport-cert, teleport-key and teleport-ca\n"
                + "  - storage: is required; set --storage, env FDFWD_STORAGE or TOML key storage\n"
                + "  - batch (from env FDFWD_BATCH): must be from 1 to 10000 (Teleport returns at"
                + " most 10000 events per request), got 0\n");
    assertThat(run.out() + run.err()).doesNotContain("hunter2");
  }

  @Test
  void checkPrintsWarningsOnStderr() {
    CommandLineRun run = CommandLineRun.run(env, start("--check", "--namespace", "default"));
    assertThat(run.exitCode()).isZero();
    assertThat(run.err())
        .isEqualTo(
            "warning: namespace (from flag --namespace) has no effect: Teleport no longer has"
                + " namespaces; remove it\n");
  }

  @Test
  void guideFileWithCheckNamesMissingFilesByTomlKey() throws Exception {
    Path guide = Path.of(getClass().getResource("/eventhandler/config/guide.toml").toURI());
    CommandLineRun run = CommandLineRun.run(env, "start", "--check", "--config", guide.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains(
            "  - fluentd-ca (from toml "
                + guide
                + " key forward.fluentd.ca): file /home/bob/event-handler/ca.crt does not exist\n")
        .contains(
            "  - teleport-identity (from toml "
                + guide
                + " key teleport.identity): file identity does not exist\n")
        .doesNotContain("\tat ");
  }

  @Test
  void invalidConfigurationExitsWithTwoWithoutStackTraceEvenWithDebug() {
    CommandLineRun run = CommandLineRun.run(env, start("-d", "--window-size", "forever"));
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: invalid configuration (1 problem):\n"
                + "  - window-size (from flag --window-size): invalid duration \"forever\""
                + " (expected e.g. 500ms, 10s, 1m30s or 24h)\n"
                + "Run 'teleport-event-handler start --check' to see every setting and where its"
                + " value comes from.\n");
  }

  @Test
  void unexpectedExceptionIsOneLineWithoutDebug() {
    CommandLineRun run =
        CommandLineRun.run(
            env,
            s -> {
              throw new IllegalStateException("boom");
            },
            start());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("error: boom\n");
  }

  @Test
  void unexpectedExceptionHasStackTraceWithDebug() {
    CommandLineRun run =
        CommandLineRun.run(
            env,
            s -> {
              throw new IllegalStateException("boom");
            },
            start("--debug"));
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .startsWith("error: boom\njava.lang.IllegalStateException: boom\n")
        .contains("\tat ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"flag-before", "flag-after", "env", "toml"})
  void debugRaisesLoggingToDebugFromEverySource(String where) throws Exception {
    List<String> args = new ArrayList<>(Arrays.asList(start()));
    switch (where) {
      case "flag-before" -> args.add(0, "-d");
      case "flag-after" -> args.add("-d");
      case "env" -> env.put("FDFWD_DEBUG", "true");
      default -> {
        Path toml = Files.writeString(dir.resolve("d.toml"), "debug = true\n");
        args.add("--config=" + toml);
      }
    }
    assertThat(rootLogger.getLevel()).isEqualTo(Level.INFO);
    assertThat(runRecording(args.toArray(String[]::new)).exitCode()).isZero();
    assertThat(rootLogger.getLevel()).isEqualTo(Level.DEBUG);
    assertThat(received.get().debug()).isTrue();
  }

  @Test
  void withoutDebugLoggingStaysAtInfo() {
    runRecording(start());
    assertThat(rootLogger.getLevel()).isEqualTo(Level.INFO);
    assertThat(received.get().debug()).isFalse();
  }

  @Test
  void globalOptionsWorkBeforeAndAfterTheSubcommand() throws Exception {
    Path toml = Files.writeString(dir.resolve("c.toml"), "batch = 42\n");
    List<String> before = new ArrayList<>(List.of("--config", toml.toString()));
    before.addAll(Arrays.asList(start()));
    assertThat(runRecording(before.toArray(String[]::new)).exitCode()).isZero();
    assertThat(received.get().export().batch()).isEqualTo(42);
    received.set(null);
    assertThat(runRecording(start("-c", toml.toString())).exitCode()).isZero();
    assertThat(received.get().export().batch()).isEqualTo(42);
    received.set(null);
    env.put("FDFWD_CONFIG", toml.toString());
    assertThat(runRecording(start()).exitCode()).isZero();
    assertThat(received.get().provenance().of(Setting.CONFIG))
        .isEqualTo(new Source.Environment("FDFWD_CONFIG"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "--teleport-refresh-enabled",
        "--teleport-refresh-enabled=true",
        "--teleport-refresh-enabled true",
        "--teleport-refresh-enabled=1"
      })
  void booleanFlagsInEveryForm(String flag) {
    env.put("FDFWD_TELEPORT_REFRESH_ENABLED", "false");
    assertThat(runRecording(start(flag.split(" "))).exitCode()).isZero();
    assertThat(received.get().teleport().refreshEnabled()).isTrue();
  }

  @Test
  void falseFlagBeatsTrueEnvironment() {
    env.put("FDFWD_DRY_RUN", "true");
    runRecording(start("--dry-run=false"));
    assertThat(received.get().export().dryRun()).isFalse();
    assertThat(received.get().provenance().of(Setting.DRY_RUN))
        .isEqualTo(new Source.Flag("--dry-run"));
  }

  @Test
  void listFlagsMayRepeatAndScalarFlagsTakeTheLastValue() {
    runRecording(start("--types", "a", "--types", "b,c", "--batch", "5", "--batch", "6"));
    assertThat(received.get().export().types()).containsExactly("a", "b", "c");
    assertThat(received.get().export().batch()).isEqualTo(6);
  }

  @Test
  void emptyListFlagClearsTheDefault() {
    runRecording(start("--skip-session-types="));
    assertThat(received.get().export().skipSessionTypes()).isEmpty();
  }

  @Test
  void everyGoPluginFlagIsAccepted() {
    CommandLineRun run =
        runRecording(
            start(
                "--fluentd-max-connections=3",
                "--teleport-addr=t.example.com:3025",
                "--teleport-refresh-enabled=true",
                "--teleport-refresh-interval=2m",
                "--batch=30",
                "--types=user.login",
                "--skip-event-types=print",
                "--skip-session-types=print,desktop.recording",
                "--start-time=2021-05-05T00:00:00Z",
                "--timeout=10s",
                "--dry-run",
                "--exit-on-last-event",
                "--concurrency=2",
                "--window-size=1h",
                "--lock-enabled",
                "--lock-failed-attempts-count=4",
                "--lock-period=2m",
                "--lock-for=1h",
                "--fluentd-batch-size=100",
                "--fluentd-batch-bytes=1MiB",
                "--fluentd-timeout=10s",
                "--teleport-dial-timeout=10s",
                "--teleport-max-message-size=32MiB",
                "--metrics-addr=127.0.0.1:9090"));
    assertThat(run.exitCode()).as(run.err()).isZero();
    Settings s = received.get();
    assertThat(s.export().skipSessionTypes()).containsExactly("print", "desktop.recording");
    assertThat(s.lock().expiry()).contains(Duration.ofHours(1));
    assertThat(s.metricsAddress()).contains(new HostPort("127.0.0.1", 9090));
    assertThat(s.teleport().maxMessageBytes()).isEqualTo(32 * 1024 * 1024);
  }

  @Test
  void unknownOptionIsAShortUsageError() {
    CommandLineRun run = CommandLineRun.run(env, "start", "--window-sise", "1h");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .startsWith("error: Unknown options: '--window-sise', '1h'\n")
        .contains("--window-size")
        .endsWith("Run 'teleport-event-handler start --help' for usage.\n")
        .doesNotContain("Usage:")
        .doesNotContain("\tat ");
  }

  @Test
  void missingOptionValueIsAUsageError() {
    CommandLineRun run = CommandLineRun.run(env, "start", "--batch");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: Missing required parameter for option '--batch' (<n>)\n"
                + "Run 'teleport-event-handler start --help' for usage.\n");
  }

  @Test
  void invalidBooleanFlagIsAUsageError() {
    CommandLineRun run = CommandLineRun.run(env, "start", "--dry-run=maybe");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: Invalid value for option '--dry-run': expected true or false, got \"maybe\"\n"
                + "Run 'teleport-event-handler start --help' for usage.\n");
  }

  @Test
  void noCommandPrintsUsageAndExitsWithTwo() {
    CommandLineRun run = CommandLineRun.run(env);
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Usage: teleport-event-handler").contains("start");
  }

  @Test
  void startHelpListsEveryFlagWithDefaultEnvironmentVariablesAndTomlKey() {
    CommandLineRun run = CommandLineRun.run(env, "start", "--help");
    assertThat(run.exitCode()).isZero();
    String help = run.out().replaceAll("\\s+", "");
    for (Setting s : Setting.values()) {
      String expected =
          s.longOption()
              + "="
              + s.type().label()
              + (s.defaultValue().required() ? "Required" : "Default:" + s.defaultValue().label())
              + ";env:"
              + String.join(",", s.environmentVariables())
              + s.tomlKey().map(k -> "TOML:" + k).orElse("");
      String withoutDescription =
          help.replace(s.description().replaceAll("\\s+", ""), "")
              .replace("[=" + s.type().label() + "]", "=" + s.type().label());
      assertThat(withoutDescription).as(s.flagName()).contains(expected.replaceAll("\\s+", ""));
    }
    assertThat(run.out()).contains("--check");
  }

  @Test
  void helpOnEveryCommand() {
    for (String[] args :
        Stream.of(
                new String[] {"--help"},
                new String[] {"help"},
                new String[] {"help", "start"},
                new String[] {"start", "-h"},
                new String[] {"version", "-h"})
            .toList()) {
      CommandLineRun run = CommandLineRun.run(env, args);
      assertThat(run.exitCode()).as(String.join(" ", args)).isZero();
      assertThat(run.out()).as(String.join(" ", args)).contains("Usage: teleport-event-handler");
    }
    assertThat(CommandLineRun.run(env, "--help").out())
        .contains("FDFWD_CONFIG")
        .contains("FDFWD_DEBUG");
  }

  private static String line(String name, String value, String source) {
    return String.format("%-26s = %s  [%s]", name, value, source);
  }
}
