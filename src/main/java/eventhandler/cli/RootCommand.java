package eventhandler.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code teleport-event-handler} command and its subcommands. */
@Command(
    name = "teleport-event-handler",
    description =
        "Exports Teleport audit events and session recordings to Fluentd over mutual TLS.",
    subcommands = {
      VersionCommand.class,
      ConfigureCommand.class,
      StartCommand.class,
      CommandLine.HelpCommand.class
    },
    mixinStandardHelpOptions = true,
    versionProvider = VersionCommand.Provider.class)
public final class RootCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Runs the command line and returns the process exit code. */
  public static int run(String... args) {
    return new CommandLine(new RootCommand()).execute(args);
  }
}
