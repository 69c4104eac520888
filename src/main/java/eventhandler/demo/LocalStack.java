package eventhandler.demo;

import eventhandler.configure.ConfigureException;
import eventhandler.configure.ConfigureSettings;
import eventhandler.configure.HostResolver;
import eventhandler.configure.PassphraseSource;
import eventhandler.configure.SetupGenerator;
import eventhandler.configure.SetupLayout;
import eventhandler.configure.Terminal;
import eventhandler.files.PrivateFiles;
import eventhandler.sim.SimulatedCluster;
import eventhandler.sim.fluentd.FluentdReceiver;
import eventhandler.sim.fluentd.FluentdReceiverBuilder;
import eventhandler.tls.CertificateIssuer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A simulated Teleport cluster and a Fluentd-compatible receiver on loopback, set up the way the
 * guide does it: {@code configure} writes the mTLS files, the cluster writes an identity file, and
 * the receiver serves with the generated server certificate. Used by {@code demo}, {@code bench}
 * and the end-to-end tests. {@link #start} builds one; closing it stops the receiver and the
 * cluster.
 */
public record LocalStack(
    Path directory,
    SetupLayout layout,
    SimulatedCluster cluster,
    FluentdReceiver receiver,
    Path identity)
    implements AutoCloseable {
  private static final String AUDIT_PATH = "/test.log";
  private static final String SESSION_PATH = "/session";

  /**
   * Sets everything up in {@code directory}.
   *
   * @param cluster the simulated cluster, not yet started
   * @param receiverOptions adjusts the receiver (storage, body limit...) before it starts
   */
  public static LocalStack start(
      Path directory,
      SimulatedCluster cluster,
      UnaryOperator<FluentdReceiverBuilder> receiverOptions)
      throws IOException {
    PrivateFiles.createDirectories(directory);
    cluster.start();
    FluentdReceiver receiver = null;
    try {
      String passphrase = randomPassphrase();
      SetupLayout layout = configure(directory, cluster.authAddress(), passphrase);
      Path identity = directory.resolve("identity");
      cluster.writeIdentity(identity);
      receiver =
          receiverOptions
              .apply(
                  FluentdReceiver.fromPemFiles(
                      layout.server().cert(),
                      layout.server().key(),
                      passphrase.toCharArray(),
                      layout.ca().cert()))
              .start();
      return new LocalStack(directory, layout, cluster, receiver, identity);
    } catch (IOException | RuntimeException e) {
      if (receiver != null) {
        receiver.close();
      }
      cluster.close();
      throw e;
    }
  }

  private static String randomPassphrase() {
    byte[] bytes = new byte[16];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** Runs {@code configure} as a user would, with a passphrase given on standard input. */
  private static SetupLayout configure(Path directory, String teleportAddress, String passphrase)
      throws IOException {
    SetupLayout layout = new SetupLayout(directory, "ca", "server", "client");
    ConfigureSettings settings =
        new ConfigureSettings(
            layout,
            teleportAddress,
            Duration.ofDays(1),
            List.of("localhost"),
            List.of(InetAddress.getLoopbackAddress()),
            "localhost",
            2048,
            true);
    SetupGenerator generator =
        new SetupGenerator(
            new CertificateIssuer(new SecureRandom()),
            Clock.systemUTC(),
            HostResolver.system(),
            new PassphraseSource(new SecureRandom()),
            new PipedPassphrase(passphrase),
            new PrintWriter(new StringWriter()),
            directory);
    try {
      generator.run(settings, "demo");
    } catch (ConfigureException e) {
      throw new IOException("configure failed: " + e.getMessage(), e);
    }
    return layout;
  }

  /**
   * The arguments of {@code start} for this stack: the TOML that {@code configure} wrote, with the
   * addresses that only exist at run time given as flags (flags win over the file), and the start
   * time at the beginning of the cluster's history.
   */
  public List<String> startArguments(Path storage, String... extra) {
    return startArgumentsVia(storage, cluster.authAddress(), extra);
  }

  /** The same, reaching Teleport at {@code teleportAddress} (a proxy front, a load balancer...). */
  public List<String> startArgumentsVia(Path storage, String teleportAddress, String... extra) {
    List<String> arguments = new ArrayList<>();
    arguments.addAll(
        List.of(
            "start",
            "--config=" + layout.pluginConfig(),
            "--teleport-addr=" + teleportAddress,
            "--teleport-identity=" + identity,
            "--storage=" + storage,
            "--fluentd-url=" + auditUrl(),
            "--fluentd-session-url=" + sessionUrl(),
            "--start-time=" + cluster.from().truncatedTo(ChronoUnit.SECONDS)));
    arguments.addAll(List.of(extra));
    return arguments;
  }

  public String auditUrl() {
    return receiver.url("localhost", AUDIT_PATH).toString();
  }

  public String sessionUrl() {
    return receiver.url("localhost", SESSION_PATH).toString();
  }

  /** The Fluentd tag of audit events ({@code test.log}). */
  public static String auditTag() {
    return AUDIT_PATH.substring(1);
  }

  /** The Fluentd tag of a session's recording ({@code session.<sid>.log}). */
  public static String sessionTag(String sessionId) {
    return SESSION_PATH.substring(1) + "." + sessionId + ".log";
  }

  @Override
  public void close() {
    receiver.close();
    cluster.close();
  }

  /** Standard input that is not a terminal and holds the passphrase, like {@code echo x |}. */
  private record PipedPassphrase(String passphrase) implements Terminal {
    @Override
    public boolean stdinIsTerminal() {
      return false;
    }

    @Override
    public InputStream stdin() {
      return new ByteArrayInputStream((passphrase + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public boolean interactive() {
      return false;
    }

    @Override
    public Optional<String> ask(String question) {
      return Optional.empty();
    }
  }
}
