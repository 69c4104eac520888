package eventhandler.cli;

import eventhandler.config.InvalidSettingsException;
import eventhandler.config.Problem;
import eventhandler.config.RawSettings;
import eventhandler.config.Setting;
import eventhandler.config.Settings;
import eventhandler.config.SettingsBinder;
import eventhandler.config.SettingsReport;
import eventhandler.config.SettingsResolver;
import eventhandler.logging.JulBridge;
import eventhandler.preflight.LocalChecks;
import eventhandler.startup.ExportRunner;
import eventhandler.tls.NativeTls;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code start}: resolves and validates the settings, then hands them to the {@link ExportRunner};
 * with {@code --check} it only prints the effective settings and whether they are valid.
 *
 * <p>The options are built from the {@link Setting} table rather than annotations, so help, the
 * environment variables, the TOML keys and {@code --check} always agree.
 */
final class StartCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(StartCommand.class);

  private final Map<String, String> environment;
  private final ExportRunner exportRunner;
  private final DebugMode debugMode;
  private final CommandSpec spec;
  private final OptionSpec checkOption;

  StartCommand(Map<String, String> environment, ExportRunner exportRunner, DebugMode debugMode) {
    this.environment = environment;
    this.exportRunner = exportRunner;
    this.debugMode = debugMode;
    this.spec = CommandSpec.wrapWithoutInspection(this);
    spec.name("start")
        .mixinStandardHelpOptions(true)
        .versionProvider(new VersionCommand.Provider());
    spec.usageMessage()
        .header("Export audit events and session recordings from Teleport to Fluentd.")
        .description(
            "Each setting is taken from its flag, else its environment variable, else the TOML"
                + " file (--config), else its default.")
        .sortOptions(false)
        .width(100);
    SettingOptions.addStartOptions(spec);
    checkOption =
        OptionSpec.builder("--check")
            .type(boolean.class)
            .arity("0")
            .description(
                "Validate the settings and read the credential, certificate and state files they"
                    + " name, without connecting anywhere or writing anything; print each"
                    + " effective setting and where it came from, and exit (0 if valid, 2 if"
                    + " not).")
            .build();
    spec.addOption(checkOption);
  }

  CommandSpec spec() {
    return spec;
  }

  @Override
  public Integer call() {
    JulBridge.install(); // before gRPC or Netty log anything
    StartPrimer.startInBackground();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    RawSettings raw = new SettingsResolver(environment).resolve(SettingOptions.flagValues(spec));
    if (debugRequested(raw)) {
      debugMode.enable();
    }
    boolean check = Boolean.TRUE.equals(checkOption.getValue());
    if (check) {
      out.println("Effective settings (flag > environment variable > TOML file > default):");
      SettingsReport.lines(raw).forEach(out::println);
      out.flush();
      raw.warnings().forEach(w -> err.println("warning: " + w));
    } else {
      raw.warnings().forEach(w -> log.warn("{}", w));
    }
    Settings settings;
    try {
      settings = SettingsBinder.bind(raw);
    } catch (InvalidSettingsException e) {
      printProblems(err, e.problems(), check);
      return ExitCodes.USAGE;
    }
    try {
      NativeTls.checkSetting(); // a JVM property (JAVA_OPTS), so not among the settings
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return ExitCodes.USAGE;
    }
    // The files the settings name, read before any network use or storage directory is made.
    List<Problem> local = new LocalChecks(Clock.systemUTC()).problems(settings);
    if (!local.isEmpty()) {
      printProblems(err, local, check);
      return ExitCodes.USAGE;
    }
    if (check) {
      out.println("The configuration is valid.");
      out.flush();
      err.flush();
      return ExitCodes.OK;
    }
    log.info("Starting with these settings:");
    SettingsReport.lines(raw).forEach(line -> log.info("  {}", line));
    return exportRunner.run(settings);
  }

  /** Debug is known before validation so a broken configuration can still be debugged. */
  private static boolean debugRequested(RawSettings raw) {
    try {
      return raw.effective(Setting.DEBUG)
          .map(v -> (Boolean) Setting.DEBUG.type().parse(v.text()))
          .orElse(false);
    } catch (IllegalArgumentException e) {
      return false; // reported by validation
    }
  }

  private void printProblems(PrintWriter err, List<Problem> problems, boolean check) {
    err.println(
        "error: invalid configuration ("
            + problems.size()
            + (problems.size() == 1 ? " problem):" : " problems):"));
    for (Problem p : problems) {
      err.println("  - " + p.describe());
    }
    if (!check) {
      err.println(
          "Run '"
              + spec.qualifiedName()
              + " --check' to see every setting and where its value comes from.");
    }
    err.flush();
  }
}
