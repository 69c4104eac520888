package eventhandler.cli;

import eventhandler.config.Setting;
import eventhandler.config.ValueType;
import eventhandler.files.FileErrors;
import eventhandler.startup.ExportRunner;
import eventhandler.startup.Launcher;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.FileSystemException;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code teleport-event-handler} command and its subcommands. The environment, the output
 * streams and the export runner are passed in, so tests run the real command line without touching
 * the process environment.
 */
@Command(
    name = "teleport-event-handler",
    description =
        "Exports Teleport audit events and session recordings to Fluentd over mutual TLS.",
    subcommands = {VersionCommand.class, ConfigureCommand.class},
    mixinStandardHelpOptions = true,
    versionProvider = VersionCommand.Provider.class)
public final class RootCommand implements Callable<Integer> {
  private final Map<String, String> environment;
  private final PrintWriter out;
  private final PrintWriter err;
  private final ExportRunner exportRunner;
  private final DebugMode debugMode = new DebugMode();

  @CommandLine.Spec CommandSpec spec;

  /**
   * A command line bound to the given environment and streams.
   *
   * @param environment environment variables ({@code FDFWD_*}), normally {@link System#getenv()}
   * @param exportRunner what {@code start} runs once the settings are valid
   */
  public RootCommand(
      Map<String, String> environment,
      PrintWriter out,
      PrintWriter err,
      ExportRunner exportRunner) {
    this.environment = Map.copyOf(environment);
    this.out = out;
    this.err = err;
    this.exportRunner = exportRunner;
  }

  /** Runs the command line against the real process environment and returns the exit code. */
  public static int run(String... args) {
    Charset charset = Charset.defaultCharset();
    PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, charset), true);
    PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, charset), true);
    return new RootCommand(
            System.getenv(),
            out,
            err,
            settings -> new Launcher(Clock.systemUTC(), err).run(settings))
        .execute(args);
  }

  /** Parses {@code args}, runs the chosen command and returns its exit code. */
  public int execute(String... args) {
    CommandLine commandLine = new CommandLine(this);
    for (Setting setting : Setting.inScope(Setting.Scope.GLOBAL)) {
      commandLine.getCommandSpec().addOption(SettingOptions.optionFor(setting));
    }
    commandLine.addSubcommand(
        "start", new CommandLine(new StartCommand(environment, exportRunner, debugMode).spec()));
    commandLine.addSubcommand("dead-letters", new DeadLettersCommand(environment).commandLine());
    commandLine.addSubcommand("demo", withDebugOption(new CommandLine(new DemoCommand(out, err))));
    commandLine.addSubcommand(
        "bench", withDebugOption(new CommandLine(new BenchCommand(out, err))));
    commandLine.addSubcommand(new CommandLine.HelpCommand());
    // After the subcommands, so that demo's and bench's numbers get them too (picocli's own
    // message, "'abc' is not a long", names a Java type).
    NumberOptions.registerOn(commandLine);
    commandLine
        .setOut(out)
        .setErr(err)
        // Like the Go plugin: a flag given twice takes the last value.
        .setOverwrittenOptionsAllowed(true)
        .setExecutionStrategy(this::executeWithGlobalOptions)
        .setParameterExceptionHandler(this::usageError)
        .setExecutionExceptionHandler((e, cl, parseResult) -> unexpectedError(e));
    int code = commandLine.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** demo and bench run the export in this process, so --debug acts on them (-c does not). */
  private static CommandLine withDebugOption(CommandLine command) {
    command.getCommandSpec().addOption(SettingOptions.optionFor(Setting.DEBUG, false));
    return command;
  }

  /** Without a subcommand: the usage, and a usage error, since there is nothing to do. */
  @Override
  public Integer call() {
    spec.commandLine().usage(err);
    return ExitCodes.USAGE;
  }

  private int executeWithGlobalOptions(ParseResult parseResult) {
    ParseResult command = parseResult;
    while (command.hasSubcommand()) {
      command = command.subcommand();
    }
    if (debugFromFlagOrEnvironment(command.commandSpec())) {
      debugMode.enable();
    }
    return new CommandLine.RunLast().execute(parseResult);
  }

  /**
   * -d/--debug (on the top level, or on the command where it acts) or FDFWD_DEBUG; {@code start}
   * also reads {@code debug} from the TOML file.
   */
  private boolean debugFromFlagOrEnvironment(CommandSpec command) {
    OptionSpec own = command.findOption(Setting.DEBUG.longOption());
    String text = own == null || command == spec ? null : SettingOptions.textOf(own);
    if (text == null) {
      text = SettingOptions.textOf(spec.findOption(Setting.DEBUG.longOption()));
    }
    if (text == null) {
      text = environment.get(Setting.DEBUG.environmentVariables().get(0));
    }
    if (text == null || text.isEmpty()) {
      return false;
    }
    try {
      return (Boolean) ValueType.BOOLEAN.parse(text);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private int usageError(ParameterException e, String[] args) {
    CommandLine failed = e.getCommandLine();
    err.println("error: " + e.getMessage());
    UnmatchedArgumentException.printSuggestions(e, err);
    err.println("Run '" + failed.getCommandSpec().qualifiedName() + " --help' for usage.");
    err.flush();
    return ExitCodes.USAGE;
  }

  private int unexpectedError(Exception e) {
    String message =
        e instanceof FileSystemException file
            ? FileErrors.describe(file)
            : e.getMessage() == null ? e.getClass().getName() : e.getMessage();
    err.println("error: " + message);
    if (debugMode.enabled()) {
      e.printStackTrace(err);
    }
    err.flush();
    return ExitCodes.FAILURE;
  }
}
