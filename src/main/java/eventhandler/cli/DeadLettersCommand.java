package eventhandler.cli;

import eventhandler.config.DeadLetterSettings;
import eventhandler.config.InvalidSettingsException;
import eventhandler.config.Problem;
import eventhandler.config.RawSettings;
import eventhandler.config.SettingsResolver;
import eventhandler.deadletter.DeadLetterList;
import eventhandler.deadletter.DeadLetterReplay;
import eventhandler.sink.FluentdSinkConfig;
import eventhandler.state.StateStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code dead-letters list [--json]} and {@code dead-letters replay}: they read {@code start}'s
 * settings (flags, {@code FDFWD_*}, {@code -c} TOML) to find the dead-letter file and Fluentd; the
 * settings they do not need are accepted and ignored.
 */
final class DeadLettersCommand {
  private final Map<String, String> environment;

  DeadLettersCommand(Map<String, String> environment) {
    this.environment = environment;
  }

  CommandLine commandLine() {
    CommandSpec group = CommandSpec.create().name("dead-letters").mixinStandardHelpOptions(true);
    group
        .usageMessage()
        .header("List the dead-letter file, or send its events to Fluentd again.")
        .description("Subcommands: list, replay. They read the same settings as start.");
    CommandLine line = new CommandLine(group);
    line.addSubcommand("list", new CommandLine(listSpec()));
    line.addSubcommand("replay", new CommandLine(replaySpec()));
    return line;
  }

  private CommandSpec listSpec() {
    OptionSpec json =
        OptionSpec.builder("--json")
            .type(boolean.class)
            .arity("0")
            .description("Print the counts as JSON, for scripts.")
            .build();
    CommandSpec[] self = new CommandSpec[1];
    self[0] =
        CommandSpec.wrapWithoutInspection(
            (Callable<Integer>)
                () -> {
                  Path file = fileOf(self[0]);
                  if (file == null) {
                    return ExitCodes.USAGE;
                  }
                  DeadLetterList.print(
                      file, Boolean.TRUE.equals(json.getValue()), self[0].commandLine().getOut());
                  return ExitCodes.OK;
                });
    self[0].name("list").mixinStandardHelpOptions(true).addOption(json);
    self[0]
        .usageMessage()
        .header(
            "Count the dead letters by kind, URL, status and reason (exit 0; 2 if the settings"
                + " are invalid).")
        .sortOptions(false)
        .width(100);
    SettingOptions.addStartOptions(self[0]);
    return self[0];
  }

  private CommandSpec replaySpec() {
    CommandSpec[] self = new CommandSpec[1];
    self[0] = CommandSpec.wrapWithoutInspection((Callable<Integer>) () -> replay(self[0]));
    self[0].name("replay").mixinStandardHelpOptions(true);
    self[0]
        .usageMessage()
        .header(
            "Send each dead letter again to the URL it was meant for; remove those Fluentd"
                + " accepts, keep those it refuses again with its new answer.")
        .description(
            "Exit 0 when none is left, 1 when some were refused again (or Fluentd did not"
                + " answer), 2 for invalid settings or another replay running. Safe beside a"
                + " running start and against a crash: the file is replaced atomically after"
                + " each batch, so an event may be sent twice, never lost.")
        .sortOptions(false)
        .width(100);
    SettingOptions.addStartOptions(self[0]);
    return self[0];
  }

  private int replay(CommandSpec spec) throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    DeadLetterSettings settings = settings(spec);
    if (settings == null) {
      return ExitCodes.USAGE;
    }
    Path file = fileOf(settings);
    if (!Files.exists(file)) {
      out.println("no dead-letter file at " + file + ": nothing to replay");
      return ExitCodes.OK;
    }
    if (settings.fluentdCert().isEmpty()) {
      err.println(
          "error: replay needs Fluentd's client certificate: set --fluentd-cert and --fluentd-key"
              + " as for start");
      err.flush();
      return ExitCodes.USAGE;
    }
    FluentdSinkConfig sink =
        FluentdSinkConfig.withDefaults(
                settings.fluentdCa().orElse(null),
                settings.fluentdCert().get(),
                settings.fluentdKey().get())
            .withMaxConnections(settings.maxConnections())
            .withTimeouts(
                settings.requestTimeout(),
                FluentdSinkConfig.DEFAULT_MIN_BACKOFF,
                FluentdSinkConfig.DEFAULT_MAX_BACKOFF);
    Duration batchTimeout = settings.requestTimeout().multipliedBy(2).plusSeconds(30);
    DeadLetterReplay.Outcome outcome;
    try {
      outcome =
          new DeadLetterReplay(
                  file,
                  sink,
                  new DeadLetterReplay.Batches(
                      settings.batchSize(), settings.batchBytes(), batchTimeout),
                  Clock.systemUTC(),
                  out)
              .run();
    } catch (DeadLetterReplay.BusyException e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return ExitCodes.USAGE;
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    out.printf(
        "replay of %s: %d accepted and removed, %d refused again, %d left%s%n",
        file,
        outcome.accepted(),
        outcome.refusedAgain(),
        outcome.left(),
        outcome.stopped() == null ? "" : "; stopped: " + outcome.stopped());
    if (outcome.left() > 0) {
      out.println(
          "Check Fluentd's answer with 'teleport-event-handler dead-letters list', fix Fluentd"
              + " and run replay again.");
    }
    out.flush();
    return outcome.left() == 0 ? ExitCodes.OK : ExitCodes.FAILURE;
  }

  private Path fileOf(CommandSpec spec) {
    DeadLetterSettings settings = settings(spec);
    return settings == null ? null : fileOf(settings);
  }

  private static Path fileOf(DeadLetterSettings settings) {
    return settings
        .storage()
        .resolve(StateStore.directoryName(settings.teleportAddress().toString()))
        .resolve("dead-letter.jsonl");
  }

  /** The settings, or null after printing what is wrong with them. */
  private DeadLetterSettings settings(CommandSpec spec) {
    RawSettings raw = new SettingsResolver(environment).resolve(SettingOptions.flagValues(spec));
    try {
      return DeadLetterSettings.bind(raw);
    } catch (InvalidSettingsException e) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("error: invalid configuration:");
      for (Problem problem : e.problems()) {
        err.println("  - " + problem.describe());
      }
      err.flush();
      return null;
    }
  }
}
