package eventhandler.cli;

import eventhandler.configure.ConfigureArguments;
import eventhandler.configure.ConfigureException;
import eventhandler.configure.HostResolver;
import eventhandler.configure.PassphraseSource;
import eventhandler.configure.SetupGenerator;
import eventhandler.configure.SystemTerminal;
import eventhandler.configure.Terminal;
import eventhandler.tls.CertificateIssuer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code configure}: generates the Fluentd mTLS certificates and sample configuration files, as the
 * Go plugin's {@code configure} does.
 */
@Command(
    name = "configure",
    mixinStandardHelpOptions = true,
    versionProvider = VersionCommand.Provider.class,
    sortOptions = false,
    header = "Generate the Fluentd mTLS certificates and sample configuration files.",
    description = {
      "Writes the CA, server and client certificates, the Teleport role and user,"
          + " fluent.conf, teleport-event-handler.toml and the Helm values. The server key is"
          + " encrypted; its passphrase is the first line of standard input when that is not a"
          + " terminal, else random, and is written into fluent.conf only."
    })
public final class ConfigureCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "<out>",
      defaultValue = ConfigureArguments.DEFAULT_OUT,
      description = "Existing directory to write the files to (default: ${DEFAULT-VALUE}).")
  String out;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "<addr>",
      defaultValue = ConfigureArguments.DEFAULT_ADDRESS,
      description = "Teleport Auth or Proxy Service address (default: ${DEFAULT-VALUE}).")
  String addr;

  @Parameters(
      index = "2",
      arity = "0..1",
      paramLabel = "<ca-name>",
      defaultValue = ConfigureArguments.DEFAULT_CA_NAME,
      description = "CA certificate and key file name (default: ${DEFAULT-VALUE}).")
  String caName;

  @Parameters(
      index = "3",
      arity = "0..1",
      paramLabel = "<server-name>",
      defaultValue = ConfigureArguments.DEFAULT_SERVER_NAME,
      description = "Server certificate and key file name (default: ${DEFAULT-VALUE}).")
  String serverName;

  @Parameters(
      index = "4",
      arity = "0..1",
      paramLabel = "<client-name>",
      defaultValue = ConfigureArguments.DEFAULT_CLIENT_NAME,
      description = "Client certificate and key file name (default: ${DEFAULT-VALUE}).")
  String clientName;

  @Option(
      names = "--output",
      paramLabel = "<target>",
      defaultValue = ConfigureArguments.DEFAULT_OUTPUT,
      description = "Export target; only fluentd (default: ${DEFAULT-VALUE}).")
  String output;

  @Option(
      names = "--ttl",
      paramLabel = "<duration>",
      defaultValue = ConfigureArguments.DEFAULT_TTL,
      description = "Certificate validity, a Go duration such as 720h (default: ${DEFAULT-VALUE}).")
  String ttl;

  @Option(
      names = "--dns-names",
      paramLabel = "<names>",
      split = ",",
      defaultValue = ConfigureArguments.DEFAULT_DNS_NAMES,
      description = {
        "Comma-separated DNS names of the Fluentd server certificate (default: ${DEFAULT-VALUE}).",
        "Without --ip each name is looked up and its addresses are added as IP names."
      })
  List<String> dnsNames;

  @Option(
      names = "--ip",
      paramLabel = "<addresses>",
      split = ",",
      description = "Comma-separated IP addresses of the Fluentd server certificate.")
  List<String> ips;

  @Option(
      names = "--cn",
      paramLabel = "<name>",
      defaultValue = ConfigureArguments.DEFAULT_COMMON_NAME,
      description =
          "Subject common name of the server and client certificates (default: ${DEFAULT-VALUE}).")
  String commonName;

  @Option(
      names = "--length",
      paramLabel = "<bits>",
      defaultValue = ConfigureArguments.DEFAULT_LENGTH,
      description = "RSA key length: 1024, 2048 or 4096 (default: ${DEFAULT-VALUE}).")
  String length;

  @Option(names = "--force", description = "Overwrite existing files without asking.")
  boolean force;

  private final Terminal terminal;
  private final HostResolver resolver;
  private final CertificateIssuer issuer;
  private final SecureRandom random;
  private final Clock clock;
  private final Path workingDirectory;

  /** The real command: system terminal, resolver, clock and randomness. */
  public ConfigureCommand() {
    this(
        new SystemTerminal(),
        HostResolver.system(),
        new SecureRandom(),
        Clock.systemUTC(),
        Path.of("").toAbsolutePath());
  }

  /**
   * For tests: injected terminal, resolver, randomness, clock and the working directory that
   * printed paths are relative to.
   */
  public ConfigureCommand(
      Terminal terminal,
      HostResolver resolver,
      SecureRandom random,
      Clock clock,
      Path workingDirectory) {
    this.terminal = terminal;
    this.resolver = resolver;
    this.random = random;
    this.issuer = new CertificateIssuer(random);
    this.clock = clock;
    this.workingDirectory = workingDirectory;
  }

  @Override
  public Integer call() {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    ConfigureArguments arguments =
        new ConfigureArguments(
            out,
            addr,
            caName,
            serverName,
            clientName,
            output,
            ttl,
            dnsNames,
            ips,
            commonName,
            length,
            force);
    SetupGenerator generator =
        new SetupGenerator(
            issuer,
            clock,
            resolver,
            new PassphraseSource(random),
            terminal,
            stdout,
            workingDirectory);
    try {
      generator.run(arguments.toSettings(workingDirectory), VersionCommand.line());
      return 0;
    } catch (ConfigureException e) {
      return reportFailure(stdout, stderr, e, e.exitCode());
    } catch (IOException e) {
      return reportFailure(stdout, stderr, e, 1);
    }
  }

  /** One line on stderr, after what stdout already holds, and no stack trace: a user error. */
  private static int reportFailure(
      PrintWriter stdout, PrintWriter stderr, Exception failure, int exitCode) {
    stdout.flush();
    stderr.println("configure: " + failure.getMessage());
    stderr.flush();
    return exitCode;
  }
}
