package eventhandler.configure;

import eventhandler.files.FileErrors;
import eventhandler.files.PrivateFiles;
import eventhandler.tls.CertificateIssuer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Runs {@code configure}: checks names and existing files first, then generates the Fluentd mTLS
 * certificates and the sample configuration files and writes them (mode 0600), then prints what it
 * wrote. Nothing is written unless every check passed.
 */
public final class SetupGenerator {
  static final String GUIDE_URL =
      "https://goteleport.com/docs/management/export-audit-events/fluentd/";

  private final CertificateIssuer issuer;
  private final Clock clock;
  private final HostResolver resolver;
  private final PassphraseSource passphrases;
  private final Terminal terminal;
  private final PrintWriter out;
  private final Path workingDirectory;

  public SetupGenerator(
      CertificateIssuer issuer,
      Clock clock,
      HostResolver resolver,
      PassphraseSource passphrases,
      Terminal terminal,
      PrintWriter out,
      Path workingDirectory) {
    this.issuer = issuer;
    this.clock = clock;
    this.resolver = resolver;
    this.passphrases = passphrases;
    this.terminal = terminal;
    this.out = out;
    this.workingDirectory = workingDirectory.toAbsolutePath().normalize();
  }

  /**
   * Generates and writes everything.
   *
   * @param header first output line (program name and version)
   * @throws ConfigureException on a user error or when the user declines to overwrite
   * @throws IOException when a file cannot be written
   */
  public void run(ConfigureSettings settings, String header)
      throws ConfigureException, IOException {
    SetupLayout layout = settings.layout();
    ServerNames serverNames = ServerNames.of(settings, resolver);
    confirmOverwrite(layout, settings.force());
    String passphrase = passphrases.obtain(terminal);

    out.println(header);
    out.println();
    out.flush();

    MtlsBundle bundle =
        MtlsBundle.issue(
            issuer, clock, settings.commonName(), settings.keyBits(), settings.ttl(), serverNames);
    for (SetupFiles.File file : SetupFiles.render(settings, bundle, passphrase)) {
      write(file);
    }

    out.println(
        "[1] mTLS Fluentd certificates generated and saved to "
            + layout.certificateFiles().stream()
                .map(this::display)
                .collect(Collectors.joining(", ")));
    out.println(
        "[2] Generated sample teleport-event-handler role and user file "
            + display(layout.roleFile()));
    out.println(
        "[3] Generated sample fluentd configuration file " + display(layout.fluentdConfig()));
    out.println("[4] Generated plugin configuration file " + display(layout.pluginConfig()));
    out.println("[5] Generated Helm chart values file " + display(layout.helmValues()));
    out.println();
    printNextSteps(layout);
    out.flush();
  }

  private void confirmOverwrite(SetupLayout layout, boolean force) throws ConfigureException {
    List<Path> existing = layout.existingFiles();
    if (existing.isEmpty()) {
      return;
    }
    for (Path path : existing) {
      if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
        throw ConfigureException.userError(
            display(path) + " is a directory: move it away or choose other file names");
      }
    }
    if (force) {
      return;
    }
    String names = existing.stream().map(this::display).collect(Collectors.joining(", "));
    if (!terminal.interactive()) {
      throw ConfigureException.userError(
          "these files already exist: "
              + names
              + "; nothing was written. Run again with --force to overwrite them");
    }
    Optional<String> answer =
        terminal.ask("These files already exist: " + names + "\noverwrite? [y/N] ");
    String reply = answer.orElse("").trim().toLowerCase(Locale.ROOT);
    if (!reply.equals("y") && !reply.equals("yes")) {
      throw new ConfigureException("nothing was written", ConfigureException.DECLINED);
    }
  }

  private void write(SetupFiles.File file) throws IOException {
    try {
      PrivateFiles.writeAtomically(file.path(), file.content().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IOException("cannot write " + display(file.path()) + ": " + describe(e), e);
    }
  }

  private void printNextSteps(SetupLayout layout) {
    out.println("Next steps:");
    out.println("  - Create the role and user: tctl create -f " + display(layout.roleFile()));
    out.println(
        "  - Export an identity file for the user, e.g. tctl auth sign"
            + " --user=teleport-event-handler --out=identity (or use Machine ID)");
    out.println(
        "  - Start Fluentd with "
            + display(layout.fluentdConfig())
            + " (it expects this directory mounted at /keys)");
    out.println(
        "  - Start the handler: teleport-event-handler start --config="
            + display(layout.pluginConfig()));
    out.println();
    out.println("Follow-along with the getting started guide: " + GUIDE_URL);
  }

  /** A path relative to the working directory when inside it, else absolute (as Go prints). */
  private String display(Path path) {
    Path absolute = path.toAbsolutePath().normalize();
    if (absolute.startsWith(workingDirectory) && !absolute.equals(workingDirectory)) {
      return workingDirectory.relativize(absolute).toString();
    }
    return absolute.toString();
  }

  private static String describe(IOException e) {
    if (e instanceof AccessDeniedException denied) {
      return FileErrors.reason(denied)
          + ". Run configure as a user who can write there; with Docker, add --user"
          + " \"$(id -u):$(id -g)\" to docker run";
    }
    if (e instanceof FileSystemException file) {
      return FileErrors.reason(file);
    }
    String reason = e.getMessage();
    return e.getClass().getSimpleName() + (reason == null ? "" : " (" + reason + ")");
  }
}
