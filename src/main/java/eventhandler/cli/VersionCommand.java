package eventhandler.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;

/** {@code version}: prints {@code Teleport event handler <version> <git ref>}. */
@Command(name = "version", description = "Print the version and the git ref it was built from.")
public final class VersionCommand implements Runnable {
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  boolean help;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().getOut().println(line());
  }

  /** The version line, as the Go plugin prints it plus the git ref. */
  public static String line() {
    Properties properties = new Properties();
    try (InputStream in =
        VersionCommand.class.getResourceAsStream("/eventhandler/version.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return "Teleport event handler "
        + known(properties.getProperty("version"))
        + " "
        + known(properties.getProperty("git.ref"));
  }

  /** A value the build filled in, or "unknown" (built outside a git checkout: "${...}" stays). */
  static String known(String value) {
    return value == null || value.isBlank() || value.contains("${") ? "unknown" : value;
  }

  /** Lets {@code --version} on the root command print the same line. */
  public static final class Provider implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {line()};
    }
  }
}
