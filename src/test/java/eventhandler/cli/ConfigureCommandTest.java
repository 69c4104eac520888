package eventhandler.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import eventhandler.configure.HostResolver;
import eventhandler.configure.Terminal;
import eventhandler.files.PrivateFiles;
import eventhandler.sim.SimulatedCluster;
import eventhandler.tls.CertificateIssuer;
import eventhandler.tls.KeyStores;
import eventhandler.tls.Pem;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class ConfigureCommandTest {
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final int DNS_NAME = 2;
  private static final int IP_ADDRESS = 7;

  private static final List<String> ALL_FILES =
      List.of(
          "ca.crt",
          "ca.key",
          "server.crt",
          "server.key",
          "client.crt",
          "client.key",
          "teleport-event-handler-role.yaml",
          "fluent.conf",
          "teleport-event-handler.toml",
          "teleport-plugin-event-handler-values.yaml");

  @TempDir Path dir;

  private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  private final ExecutorService executor = Executors.newCachedThreadPool();

  @AfterEach
  void stopThreads() {
    executor.shutdownNow();
  }

  record Result(int exitCode, String out, String err) {}

  private Result run(
      Terminal terminal, HostResolver resolver, Path workingDirectory, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine command =
        new CommandLine(
            new ConfigureCommand(
                terminal,
                resolver,
                new SecureRandom(),
                Clock.fixed(now, ZoneOffset.UTC),
                workingDirectory));
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));
    int exitCode = command.execute(args);
    return new Result(exitCode, out.toString(), err.toString());
  }

  private Result run(Terminal terminal, String... args) {
    return run(terminal, HostResolver.system(), dir, args);
  }

  private Result run(String... args) {
    return run(FakeTerminal.stdinTerminal(), args);
  }

  private Result runOk(String... args) {
    Result result = run(args);
    assertThat(result.exitCode()).as(result.err()).isZero();
    return result;
  }

  private X509Certificate certificate(String name) throws IOException {
    return Pem.readCertificates(dir.resolve(name)).get(0);
  }

  private String read(String name) throws IOException {
    return Files.readString(dir.resolve(name));
  }

  /** The server key passphrase, as Fluentd reads it from the single-quoted value. */
  private String passphraseInFluentConf() throws IOException {
    Matcher matcher =
        Pattern.compile("(?m)^\\s*private_key_passphrase '((?:[^'\\\\]|\\\\.)*)'\\s*$")
            .matcher(read("fluent.conf"));
    assertThat(matcher.find()).as("private_key_passphrase in fluent.conf").isTrue();
    return matcher.group(1).replaceAll("\\\\(.)", "$1");
  }

  private PrivateKey serverKey() throws IOException {
    return Pem.readPrivateKey(
        read("server.key"), "server.key", passphraseInFluentConf().toCharArray());
  }

  private static List<List<Object>> subjectAlternativeNames(X509Certificate certificate)
      throws Exception {
    Collection<List<?>> names = certificate.getSubjectAlternativeNames();
    List<List<Object>> result = new ArrayList<>();
    if (names != null) {
      names.forEach(name -> result.add(List.copyOf(name)));
    }
    return result;
  }

  @Test
  void caSignsServerAndClientCertificatesWithTheRequestedUsagesNamesAndValidity() throws Exception {
    runOk(
        dir.toString(),
        "--length",
        "1024",
        "--ttl",
        "720h",
        "--dns-names",
        "localhost",
        "--ip",
        "127.0.0.1",
        "--cn",
        "handler.example.com");

    X509Certificate ca = certificate("ca.crt");
    X509Certificate server = certificate("server.crt");
    X509Certificate client = certificate("client.crt");

    ca.verify(ca.getPublicKey());
    assertThat(ca.getBasicConstraints()).as("CA basic constraint").isGreaterThanOrEqualTo(0);
    assertThat(ca.getKeyUsage()[5]).as("keyCertSign").isTrue();
    assertThat(ca.getSubjectX500Principal()).isEqualTo(ca.getIssuerX500Principal());

    for (X509Certificate leaf : List.of(server, client)) {
      leaf.verify(ca.getPublicKey());
      assertThat(leaf.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
      assertThat(leaf.getBasicConstraints()).as("not a CA").isEqualTo(-1);
      assertThat(leaf.getKeyUsage()[0]).as("digitalSignature").isTrue();
      assertThat(leaf.getKeyUsage()[5]).as("keyCertSign").isFalse();
      assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=handler.example.com");
    }
    assertThat(server.getExtendedKeyUsage()).containsExactly(SERVER_AUTH);
    assertThat(client.getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
    assertThat(subjectAlternativeNames(server))
        .containsExactlyInAnyOrder(
            List.of(DNS_NAME, "localhost"), List.of(IP_ADDRESS, "127.0.0.1"));

    for (X509Certificate certificate : List.of(ca, server, client)) {
      assertThat(certificate.getNotAfter().toInstant()).isEqualTo(now.plus(Duration.ofHours(720)));
      assertThat(certificate.getNotBefore().toInstant()).isBeforeOrEqualTo(now);
      assertThat(((RSAPublicKey) certificate.getPublicKey()).getModulus().bitLength())
          .isEqualTo(1024);
      assertThat(certificate.getSerialNumber().signum()).isPositive();
      assertThat(certificate.getSerialNumber().bitLength()).isLessThanOrEqualTo(128);
    }
  }

  @Test
  void serialNumbersAreRandomAcrossCertificatesAndRuns() throws Exception {
    runOk(dir.toString(), "--length", "1024", "--ip", "127.0.0.1");
    List<BigInteger> first = new ArrayList<>();
    for (String name : List.of("ca.crt", "server.crt", "client.crt")) {
      first.add(certificate(name).getSerialNumber());
    }
    runOk(dir.toString(), "--length", "1024", "--ip", "127.0.0.1", "--force");
    List<BigInteger> second = new ArrayList<>();
    for (String name : List.of("ca.crt", "server.crt", "client.crt")) {
      second.add(certificate(name).getSerialNumber());
    }
    List<BigInteger> all = new ArrayList<>(first);
    all.addAll(second);
    assertThat(all).doesNotHaveDuplicates();
    // Random 128-bit numbers: at least one of six is over 120 bits, or the odds are 1 in 2^48.
    assertThat(all).anyMatch(serial -> serial.bitLength() > 120);
  }

  @Test
  void withoutIpTheServerCertificateNamesTheAddressesTheDnsNamesResolveTo() throws Exception {
    HostResolver resolver =
        name ->
            switch (name) {
              case "forwarder.example.com" ->
                  List.of(InetAddress.getByName("10.1.2.3"), InetAddress.getByName("fd00::7"));
              case "fluentd.internal" -> List.of(InetAddress.getByName("10.1.2.3"));
              default -> throw new UnknownHostException(name);
            };
    Result result =
        run(
            FakeTerminal.stdinTerminal(),
            resolver,
            dir,
            dir.toString(),
            "--length=1024",
            "--dns-names=forwarder.example.com,fluentd.internal");
    assertThat(result.exitCode()).as(result.err()).isZero();

    assertThat(subjectAlternativeNames(certificate("server.crt")))
        .containsExactlyInAnyOrder(
            List.of(DNS_NAME, "forwarder.example.com"),
            List.of(DNS_NAME, "fluentd.internal"),
            List.of(IP_ADDRESS, "10.1.2.3"),
            List.of(IP_ADDRESS, "fd00:0:0:0:0:0:0:7"));
  }

  @Test
  void aDnsNameThatDoesNotResolveIsAnErrorNamingIt() throws Exception {
    Result result =
        run(dir.toString(), "--length=1024", "--dns-names=localhost,no-such-host.invalid");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .contains("no-such-host.invalid")
        .contains("--ip")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
    assertThat(result.err().strip().lines()).hasSize(1);
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void serverKeyIsEncryptedInClassicOpenSslFormAndOpensWithThePassphraseInFluentConf()
      throws Exception {
    runOk(dir.toString(), "--length", "1024");

    String serverKeyPem = read("server.key");
    assertThat(serverKeyPem)
        .startsWith(
            "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,");
    String passphrase = passphraseInFluentConf();
    assertThat(passphrase).matches("[0-9a-f]{64}");
    assertThat(result(() -> serverKey())).isInstanceOf(RSAPrivateCrtKey.class);
    RSAPrivateCrtKey key = (RSAPrivateCrtKey) serverKey();
    assertThat(key.getModulus())
        .isEqualTo(((RSAPublicKey) certificate("server.crt").getPublicKey()).getModulus());
    assertThatThrownBy(() -> Pem.readPrivateKey(serverKeyPem, "server.key", "wrong".toCharArray()))
        .isInstanceOf(IOException.class);
  }

  private static <T> T result(ThrowingSupplier<T> supplier) throws Exception {
    return supplier.get();
  }

  @FunctionalInterface
  private interface ThrowingSupplier<T> {
    T get() throws Exception;
  }

  @Test
  void openSslOpensTheServerKeyWithThePassphraseAndTheOtherKeysWithout() throws Exception {
    assumeTrue(openSslAvailable(), "openssl is not on PATH");
    runOk(dir.toString(), "--length", "1024");

    assertThat(
            openSsl(
                "rsa",
                "-in",
                "server.key",
                "-passin",
                "pass:" + passphraseInFluentConf(),
                "-noout"))
        .isZero();
    assertThat(openSsl("rsa", "-in", "server.key", "-passin", "pass:wrong", "-noout")).isNotZero();
    assertThat(openSsl("rsa", "-in", "ca.key", "-check", "-noout")).isZero();
    assertThat(openSsl("rsa", "-in", "client.key", "-check", "-noout")).isZero();
    assertThat(openSsl("verify", "-CAfile", "ca.crt", "server.crt", "client.crt")).isZero();
  }

  @Test
  void caAndClientKeysAreUnencryptedPkcs1() throws Exception {
    runOk(dir.toString(), "--length", "1024");

    for (String name : List.of("ca.key", "client.key")) {
      String pem = read(name);
      assertThat(pem).startsWith("-----BEGIN RSA PRIVATE KEY-----\n").doesNotContain("ENCRYPTED");
      assertThat(Pem.readPrivateKey(dir.resolve(name))).isInstanceOf(RSAPrivateCrtKey.class);
    }
  }

  @Test
  void mutualTlsWorksWithTheGeneratedFilesAndRefusesAClientFromAnotherCa() throws Exception {
    runOk(dir.toString(), "--length", "2048", "--dns-names", "localhost", "--ip", "127.0.0.1");
    X509Certificate ca = certificate("ca.crt");
    KeyManager serverKeys = KeyStores.keyManager(serverKey(), List.of(certificate("server.crt")));
    KeyManager clientKeys =
        KeyStores.keyManager(
            Pem.readPrivateKey(dir.resolve("client.key")), List.of(certificate("client.crt")));
    TrustManager trustCa = KeyStores.trustManager(List.of(ca));

    SSLContext serverContext = SSLContext.getInstance("TLSv1.2");
    serverContext.init(new KeyManager[] {serverKeys}, new TrustManager[] {trustCa}, null);
    try (SSLServerSocket server =
        (SSLServerSocket)
            serverContext
                .getServerSocketFactory()
                .createServerSocket(0, 10, InetAddress.getByName("127.0.0.1"))) {
      server.setNeedClientAuth(true);
      server.setEnabledProtocols(new String[] {"TLSv1.2"});

      Future<String> accepted = executor.submit(() -> echoOnce(server));
      assertThat(roundTrip(server.getLocalPort(), clientKeys, trustCa)).isEqualTo(42);
      assertThat(accepted.get(10, TimeUnit.SECONDS)).isEqualTo("CN=localhost");

      // A client certificate issued by another CA is refused during the handshake.
      CertificateIssuer otherIssuer = new CertificateIssuer();
      CertificateIssuer.Issued otherCa =
          otherIssuer.selfSignedCa(
              CertificateIssuer.Subject.of("Other CA"),
              otherIssuer.rsaKeyPair(1024),
              now,
              Duration.ofDays(1));
      CertificateIssuer.Issued stranger =
          otherIssuer.issue(
              otherCa,
              otherIssuer.rsaKeyPair(1024),
              CertificateIssuer.Subject.of("localhost"),
              now,
              Duration.ofDays(1),
              List.of(),
              List.of(),
              CertificateIssuer.Usage.CLIENT);
      KeyManager strangerKeys =
          KeyStores.keyManager(stranger.keyPair().getPrivate(), List.of(stranger.certificate()));

      Future<String> refused = executor.submit(() -> echoOnce(server));
      // The client sees the alert, or a reset when the server closes first; the server side
      // says why.
      assertThatThrownBy(() -> roundTrip(server.getLocalPort(), strangerKeys, trustCa))
          .isInstanceOf(IOException.class);
      assertThatThrownBy(() -> refused.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(SSLHandshakeException.class);
    }
  }

  /** Accepts one connection, completes the handshake, echoes one byte; returns the client DN. */
  private static String echoOnce(SSLServerSocket server) throws IOException {
    try (SSLSocket socket = (SSLSocket) server.accept()) {
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      out.write(in.read());
      out.flush();
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0])
          .getSubjectX500Principal()
          .getName();
    }
  }

  /** Connects to 127.0.0.1 as {@code localhost}, verifying the server name; echoes one byte. */
  private static int roundTrip(int port, KeyManager keys, TrustManager trust) throws Exception {
    SSLContext context = SSLContext.getInstance("TLSv1.2");
    context.init(new KeyManager[] {keys}, new TrustManager[] {trust}, null);
    Socket plain = new Socket();
    plain.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 10_000);
    try (SSLSocket socket =
        (SSLSocket) context.getSocketFactory().createSocket(plain, "localhost", port, true)) {
      socket.setSoTimeout(10_000);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      parameters.setProtocols(new String[] {"TLSv1.2"});
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      socket.getOutputStream().write(42);
      socket.getOutputStream().flush();
      return socket.getInputStream().read();
    }
  }

  @Test
  void everyFileIsWrittenWithMode0600() throws Exception {
    runOk(dir.toString(), "--length", "1024");

    try (var files = Files.list(dir)) {
      assertThat(files.map(path -> path.getFileName().toString()))
          .containsExactlyInAnyOrderElementsOf(ALL_FILES);
    }
    for (String name : ALL_FILES) {
      assertThat(Files.getPosixFilePermissions(dir.resolve(name)))
          .as(name)
          .isEqualTo(PrivateFiles.FILE_MODE);
    }
  }

  @Test
  void writesIntoTheWorkingDirectoryByDefaultAndPrintsTheGuideLines() throws Exception {
    Result result = run("--cn=handler.example.com", "--dns-names=localhost", "--length=1024");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .startsWith(
            VersionCommand.line()
                + "\n\n"
                + "[1] mTLS Fluentd certificates generated and saved to ca.crt, ca.key,"
                + " server.crt, server.key, client.crt, client.key\n"
                + "[2] Generated sample teleport-event-handler role and user file"
                + " teleport-event-handler-role.yaml\n"
                + "[3] Generated sample fluentd configuration file fluent.conf\n"
                + "[4] Generated plugin configuration file teleport-event-handler.toml\n"
                + "[5] Generated Helm chart values file"
                + " teleport-plugin-event-handler-values.yaml\n"
                + "\n")
        .contains("Next steps")
        .doesNotContain(passphrase(dir));
    for (String name : ALL_FILES) {
      assertThat(dir.resolve(name)).isRegularFile();
    }
  }

  @Test
  void printsPathsRelativeToTheWorkingDirectoryOrAbsoluteOutsideIt() throws Exception {
    Path inside = Files.createDirectories(dir.resolve("inside"));
    Result result = run("inside", "--length=1024");
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .contains(" inside/ca.crt, inside/ca.key,")
        .contains(" inside/fluent.conf\n");
    assertThat(inside.resolve("fluent.conf")).isRegularFile();

    Path outside = Files.createDirectories(dir.resolve("outside"));
    Result absolute =
        run(
            FakeTerminal.stdinTerminal(),
            HostResolver.system(),
            inside,
            outside.toString(),
            "--length=1024");
    assertThat(absolute.exitCode()).as(absolute.err()).isZero();
    assertThat(absolute.out()).contains(" " + outside.resolve("fluent.conf") + "\n");
  }

  private static String passphrase(Path out) throws IOException {
    Matcher matcher =
        Pattern.compile("private_key_passphrase '([^']*)'")
            .matcher(Files.readString(out.resolve("fluent.conf")));
    assertThat(matcher.find()).isTrue();
    return matcher.group(1);
  }

  @Test
  void fileNamesFollowTheCaServerAndClientNames() throws Exception {
    Result result =
        run(
            FakeTerminal.stdinTerminal(),
            HostResolver.system(),
            dir,
            dir.toString(),
            "teleport.example.com:443",
            "myca",
            "fluentd",
            "handler",
            "--length=1024");
    assertThat(result.exitCode()).as(result.err()).isZero();

    for (String name :
        List.of(
            "myca.crt", "myca.key", "fluentd.crt", "fluentd.key", "handler.crt", "handler.key")) {
      assertThat(dir.resolve(name)).exists();
    }
    assertThat(result.out())
        .contains(
            "saved to myca.crt, myca.key, fluentd.crt, fluentd.key, handler.crt, handler.key\n");
    assertThat(read("fluent.conf"))
        .contains("ca_path '/keys/myca.crt'")
        .contains("cert_path '/keys/fluentd.crt'")
        .contains("private_key_path '/keys/fluentd.key'");
    JsonNode toml = new TomlMapper().readTree(read("teleport-event-handler.toml"));
    assertThat(toml.at("/forward/fluentd/ca").asText())
        .isEqualTo(dir.resolve("myca.crt").toString());
    assertThat(toml.at("/forward/fluentd/cert").asText())
        .isEqualTo(dir.resolve("handler.crt").toString());
    assertThat(toml.at("/forward/fluentd/key").asText())
        .isEqualTo(dir.resolve("handler.key").toString());
  }

  @Test
  void pluginConfigurationHasAbsolutePathsTheGivenAddressAndTheGuideSettings() throws Exception {
    runOk(dir.toString(), "teleport.example.com:443", "--length=1024");

    String text = read("teleport-event-handler.toml");
    JsonNode toml = new TomlMapper().readTree(text);
    assertThat(toml.at("/storage").asText()).isEqualTo("./storage");
    assertThat(toml.at("/timeout").asText()).isEqualTo("10s");
    assertThat(toml.at("/batch").asInt()).isEqualTo(500);
    assertThat(toml.at("/window-size").asText()).isEqualTo("24h");
    assertThat(toml.has("namespace")).as("namespace is a no-op and not generated").isFalse();
    assertThat(Path.of(toml.at("/forward/fluentd/ca").asText()))
        .isAbsolute()
        .isEqualTo(dir.resolve("ca.crt"));
    assertThat(Path.of(toml.at("/forward/fluentd/cert").asText()))
        .isEqualTo(dir.resolve("client.crt"));
    assertThat(Path.of(toml.at("/forward/fluentd/key").asText()))
        .isEqualTo(dir.resolve("client.key"));
    assertThat(toml.at("/forward/fluentd/url").asText())
        .isEqualTo("https://localhost:8888/test.log");
    assertThat(toml.at("/forward/fluentd/session-url").asText())
        .isEqualTo("https://localhost:8888/session");
    assertThat(toml.at("/teleport/addr").asText()).isEqualTo("teleport.example.com:443");
    assertThat(toml.at("/teleport/identity").asText()).isEqualTo("identity");
    assertThat(toml.at("/teleport/refresh/enabled").asBoolean()).isTrue();
    assertThat(text).contains("parsed by Go's time.ParseDuration.\nwindow-size = \"24h\"");
  }

  @Test
  void generatedPluginConfigurationLoadsIntoStartSettingsWithoutError() throws Exception {
    runOk(dir.toString(), "teleport.example.com:443", "--length=1024");
    // The TOML names a relative identity file; tctl/tbot write it later, so point at one here.
    Path identity = dir.resolve("identity");
    SimulatedCluster.builder().events(0).build().writeIdentity(identity);

    CommandLineRun check =
        CommandLineRun.run(
            Map.of(),
            "start",
            "--check",
            "--config",
            dir.resolve("teleport-event-handler.toml").toString(),
            "--teleport-identity",
            identity.toString());

    assertThat(check.exitCode()).as(check.err()).isZero();
    assertThat(check.err()).doesNotContain("warning");
    assertThat(check.out())
        .contains("https://localhost:8888/test.log")
        .contains("teleport.example.com:443")
        .contains(dir.resolve("client.crt").toString());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"teleport.example.com", "https://teleport.example.com:443", ":443", "t:0"})
  void aTeleportAddressThatStartRefusesIsRefusedAndNothingIsWritten(String address)
      throws Exception {
    Result result = run(dir.toString(), address, "--length=1024");

    assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
    assertThat(result.err())
        .contains("<addr> '" + address + "': expected host:port")
        .contains("such as teleport.example.com:443");
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
    // the same words as start gives for --teleport-addr
    CommandLineRun start =
        CommandLineRun.run(Map.of(), "start", "--check", "--teleport-addr=" + address);
    String startReason = result.err().substring(result.err().indexOf("expected host:port"));
    assertThat(start.err()).contains(startReason.substring(0, startReason.indexOf('"')));
  }

  @Test
  void defaultAddressIsLocalhost3025() throws Exception {
    runOk(dir.toString(), "--length=1024");
    JsonNode toml = new TomlMapper().readTree(read("teleport-event-handler.toml"));
    assertThat(toml.at("/teleport/addr").asText()).isEqualTo("localhost:3025");
    assertThat(read("teleport-plugin-event-handler-values.yaml"))
        .contains("  address: \"localhost:3025\"\n");
  }

  @Test
  void fluentConfBuffersInsideMatchesAndParsesEventTimesAsUtcWithFractions() throws Exception {
    runOk(dir.toString(), "--length=1024");
    String conf = read("fluent.conf");
    String source = section(conf, "<source>", "</source>");

    assertThat(source)
        .contains("@type http")
        .contains("port 8888")
        .contains("client_cert_auth true")
        .contains("ca_path '/keys/ca.crt'")
        .contains("cert_path '/keys/server.crt'")
        .contains("private_key_path '/keys/server.key'")
        .contains("time_format %iso8601")
        .contains("keep_time_key true")
        .doesNotContain("<buffer>")
        .doesNotContain("%Y-%m-%dT%H:%M:%S");
    String audit = section(conf, "<match test.log>", "</match>");
    String sessions = section(conf, "<match session.*.log>", "</match>");
    for (String match : List.of(audit, sessions)) {
      assertThat(match).contains("@type stdout").contains("<buffer>").contains("@type file");
      assertThat(match).containsPattern("\\n\\s*path /keys/fluentd-buffer/\\w+\\n");
    }
    assertThat(audit).contains("path /keys/fluentd-buffer/audit");
    assertThat(sessions).contains("path /keys/fluentd-buffer/session");
  }

  private static String section(String text, String open, String close) {
    int start = text.indexOf("\n" + open + "\n");
    assertThat(start).as(open).isNotNegative();
    int end = text.indexOf("\n" + close + "\n", start);
    assertThat(end).as(close).isGreaterThan(start);
    return text.substring(start, end + close.length() + 2);
  }

  @Test
  void roleFileHasTheGuideRoleAndUserAndTheLockRuleCommentedOut() throws Exception {
    runOk(dir.toString(), "--length=1024");
    String role = read("teleport-event-handler-role.yaml");

    assertThat(role)
        .startsWith(
            "kind: role\n"
                + "metadata:\n"
                + "  name: teleport-event-handler\n"
                + "spec:\n"
                + "  allow:\n"
                + "    rules:\n"
                + "      - resources: ['event', 'session']\n"
                + "        verbs: ['list','read']\n")
        .endsWith(
            "version: v5\n"
                + "---\n"
                + "kind: user\n"
                + "metadata:\n"
                + "  name: teleport-event-handler\n"
                + "spec:\n"
                + "  roles: ['teleport-event-handler']\n"
                + "version: v2\n")
        .contains("      # - resources: ['lock']\n")
        .contains("      #   verbs: ['list', 'read', 'create', 'update']\n")
        .contains("--lock-enabled");
  }

  @Test
  void helmValuesFollowTheGuide() throws Exception {
    runOk(dir.toString(), "mytenant.teleport.sh:443", "--length=1024");
    String values = read("teleport-plugin-event-handler-values.yaml");

    assertThat(values)
        .contains("eventHandler:\n  storagePath: \"./storage\"\n  timeout: \"10s\"\n  batch: 500\n")
        .contains("  namespace: \"default\"\n")
        .contains("  windowSize: \"24h\"\n")
        .contains(
            "teleport:\n"
                + "  address: \"mytenant.teleport.sh:443\"\n"
                + "  identitySecretName: teleport-event-handler-identity\n"
                + "  identitySecretPath: identity\n")
        .contains("  url: \"https://fluentd.fluentd.svc.cluster.local:8888/test.log\"\n")
        .contains("  sessionUrl: \"https://fluentd.fluentd.svc.cluster.local:8888/session\"\n")
        .contains(
            "  certificate:\n"
                + "    secretName: \"teleport-event-handler-client-tls\"\n"
                + "    caPath: \"ca.crt\"\n"
                + "    certPath: \"client.crt\"\n"
                + "    keyPath: \"client.key\"\n")
        .contains("persistentVolumeClaim:\n  enabled: true\n");
  }

  /**
   * The TOML, the Helm values and fluent.conf of one run agree: every URL the handler posts to
   * (audit events, and a session's {@code <session-url>.<id>.log}) is on fluent.conf's port and has
   * a tag that a {@code <match>} routes, audit and sessions to different ones.
   */
  @Test
  void everyGeneratedFileAgreesWithEveryOther() throws Exception {
    runOk(dir.toString(), "teleport.example.com:443", "--length=1024");
    String fluentConf = read("fluent.conf");
    List<String> matches = FluentdMatch.patterns(fluentConf);
    int port = FluentdMatch.port(fluentConf);
    JsonNode toml = new TomlMapper().readTree(read("teleport-event-handler.toml"));
    JsonNode values =
        new com.fasterxml.jackson.dataformat.yaml.YAMLMapper()
            .readTree(read("teleport-plugin-event-handler-values.yaml"));
    String sessionId = "8a9a2e42-3d6c-4b1e-9f37-0a3e7c2b5d11";
    Map<String, String[]> sources =
        Map.of(
            "teleport-event-handler.toml",
            new String[] {
              toml.at("/forward/fluentd/url").asText(),
              toml.at("/forward/fluentd/session-url").asText()
            },
            "teleport-plugin-event-handler-values.yaml",
            new String[] {
              values.at("/fluentd/url").asText(), values.at("/fluentd/sessionUrl").asText()
            });

    assertThat(matches).hasSize(2);
    for (var source : sources.entrySet()) {
      java.net.URI audit = java.net.URI.create(source.getValue()[0]);
      // As start builds it: <session-url>.<session id>.log
      java.net.URI session = java.net.URI.create(source.getValue()[1] + "." + sessionId + ".log");
      String file = source.getKey();
      assertThat(audit.getPort()).as("audit port in %s", file).isEqualTo(port);
      assertThat(session.getPort()).as("session port in %s", file).isEqualTo(port);
      String auditRoute = FluentdMatch.route(matches, FluentdMatch.tagOf(audit));
      String sessionRoute = FluentdMatch.route(matches, FluentdMatch.tagOf(session));
      assertThat(auditRoute).as("<match> for %s of %s", audit, file).isEqualTo(matches.get(0));
      assertThat(sessionRoute).as("<match> for %s of %s", session, file).isEqualTo(matches.get(1));
    }
    // The values' host must be in the server certificate when given to --dns-names: the file
    // says so, since configure cannot know the Fluentd service's name.
    assertThat(read("teleport-plugin-event-handler-values.yaml")).contains("--dns-names=");
  }

  @Test
  void existingFilesAreRefusedWithoutForceWhenNotOnATerminal() throws Exception {
    Files.writeString(dir.resolve("fluent.conf"), "mine\n");
    Files.writeString(dir.resolve("ca.key"), "my key\n");

    Result result = run(dir.toString(), "--length=1024");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .contains("ca.key")
        .contains("fluent.conf")
        .contains("--force")
        .doesNotContain("server.crt");
    assertThat(result.err().strip().lines()).hasSize(1);
    assertThat(read("fluent.conf")).isEqualTo("mine\n");
    assertThat(read("ca.key")).isEqualTo("my key\n");
    try (var files = Files.list(dir)) {
      assertThat(files).hasSize(2);
    }
  }

  @Test
  void forceOverwritesExistingFiles() throws Exception {
    Files.writeString(dir.resolve("fluent.conf"), "mine\n");

    Result result = run(dir.toString(), "--length=1024", "--force");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(read("fluent.conf")).contains("<transport tls>");
    assertThat(Files.getPosixFilePermissions(dir.resolve("fluent.conf")))
        .isEqualTo(PrivateFiles.FILE_MODE);
  }

  @Test
  void onATerminalAsksOnceAndOverwritesOnYes() throws Exception {
    Files.writeString(dir.resolve("fluent.conf"), "mine\n");
    Files.writeString(dir.resolve("server.key"), "old\n");
    FakeTerminal terminal = FakeTerminal.interactive("y");

    Result result = run(terminal, dir.toString(), "--length=1024");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(terminal.questions).hasSize(1);
    assertThat(terminal.questions.get(0))
        .contains("fluent.conf")
        .contains("server.key")
        .endsWith("overwrite? [y/N] ");
    assertThat(read("fluent.conf")).contains("<transport tls>");
  }

  @Test
  void onATerminalKeepsEverythingUnlessTheAnswerIsYes() throws Exception {
    Files.writeString(dir.resolve("fluent.conf"), "mine\n");
    for (String answer : new String[] {"", "n", "no", null}) {
      FakeTerminal terminal = FakeTerminal.interactive(answer);
      Result result = run(terminal, dir.toString(), "--length=1024");

      assertThat(result.exitCode()).as("answer %s", answer).isEqualTo(1);
      assertThat(result.err()).contains("nothing was written");
      assertThat(read("fluent.conf")).isEqualTo("mine\n");
      try (var files = Files.list(dir)) {
        assertThat(files).hasSize(1);
      }
    }
  }

  @Test
  void passphraseIsTheFirstLineOfPipedStandardInput() throws Exception {
    String passphrase = "it's a \\ #{secret} \"pass\" ü";
    Result result =
        run(FakeTerminal.piped(passphrase + "\nsecond line\n"), dir.toString(), "--length=1024");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(passphraseInFluentConf()).isEqualTo(passphrase);
    assertThat(serverKey()).isInstanceOf(RSAPrivateCrtKey.class);
    assertThat(result.out()).doesNotContain("secret");
  }

  @Test
  void openSslOpensAKeyEncryptedWithAPipedNonAsciiPassphrase() throws Exception {
    assumeTrue(openSslAvailable(), "openssl is not on PATH");
    String passphrase = "pässwörd 'quoted'";
    Result result = run(FakeTerminal.piped(passphrase + "\r\n"), dir.toString(), "--length=1024");
    assertThat(result.exitCode()).as(result.err()).isZero();

    assertThat(openSsl("rsa", "-in", "server.key", "-passin", "pass:" + passphrase, "-noout"))
        .isZero();
  }

  @Test
  void emptyPipedInputFallsBackToARandomPassphrase() throws Exception {
    Result result = run(FakeTerminal.piped(""), dir.toString(), "--length=1024");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(passphraseInFluentConf()).matches("[0-9a-f]{64}");
  }

  @Test
  void aTooShortPipedPassphraseIsRefused() throws Exception {
    Result result = run(FakeTerminal.piped("abc\n"), dir.toString(), "--length=1024");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .contains("passphrase")
        .contains("4 to 1023 bytes")
        .doesNotContain("abc");
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void randomPassphrasesDifferBetweenRuns() throws Exception {
    runOk(dir.toString(), "--length=1024");
    String first = passphraseInFluentConf();
    runOk(dir.toString(), "--length=1024", "--force");
    assertThat(passphraseInFluentConf()).matches("[0-9a-f]{64}").isNotEqualTo(first);
  }

  @Test
  void defaultsGiveFourThousandNinetySixBitKeysValidForTenYears() throws Exception {
    runOk(dir.toString());

    for (String name : List.of("ca.crt", "server.crt", "client.crt")) {
      X509Certificate certificate = certificate(name);
      assertThat(((RSAPublicKey) certificate.getPublicKey()).getModulus().bitLength())
          .isEqualTo(4096);
      assertThat(certificate.getNotAfter().toInstant())
          .isEqualTo(now.plus(Duration.ofHours(87600)));
    }
    assertThat(subjectAlternativeNames(certificate("server.crt")))
        .contains(List.of(DNS_NAME, "localhost"))
        .anySatisfy(name -> assertThat(name.get(0)).isEqualTo(IP_ADDRESS));
    assertThat(certificate("client.crt").getSubjectX500Principal().getName())
        .isEqualTo("CN=localhost");
  }

  @Test
  void userErrorsAreOneLineWithExitCode2AndWriteNothing() throws Exception {
    Map<List<String>, String> cases =
        Map.of(
            List.of("--output=splunk"), "--output 'splunk'",
            List.of("--ttl=10"), "--ttl",
            List.of("--ttl=-1h"), "must be positive",
            List.of("--length=512"), "1024, 2048 or 4096",
            List.of("--ip=fluentd.example.com"), "--ip 'fluentd.example.com'",
            List.of("--dns-names=10.0.0.1"), "with --ip instead",
            List.of("--dns-names=", "--ip="), "at least one name",
            List.of("--cn="), "--cn");
    for (var entry : cases.entrySet()) {
      List<String> args = new ArrayList<>(List.of(dir.toString()));
      args.addAll(entry.getKey());
      Result result = run(args.toArray(String[]::new));
      assertThat(result.exitCode()).as("%s", args).isEqualTo(2);
      assertThat(result.err()).as("%s", args).contains(entry.getValue()).doesNotContain("\tat ");
      assertThat(result.err().strip().lines()).as("%s", args).hasSize(1);
    }
    Result badName = run(dir.toString(), "localhost:3025", "../ca");
    assertThat(badName.exitCode()).isEqualTo(2);
    assertThat(badName.err()).contains("<ca-name> '../ca'");
    Result sameNames = run(dir.toString(), "localhost:3025", "tls", "tls");
    assertThat(sameNames.exitCode()).isEqualTo(2);
    assertThat(sameNames.err()).contains("must differ");
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void aMissingOutputDirectoryIsAnError() {
    Result result = run(dir.resolve("missing").toString());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("missing").contains("does not exist");
    assertThat(dir.resolve("missing")).doesNotExist();
  }

  @Test
  void helpShowsTheDefaults() {
    Result result = run("--help");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out().replaceAll("\\s+", " "))
        .contains("default: .")
        .contains("default: localhost:3025")
        .contains("default: ca)")
        .contains("default: server)")
        .contains("default: client)")
        .contains("default: fluentd")
        .contains("default: 87600h")
        .contains("default: localhost)")
        .contains("default: 4096")
        .contains("--force")
        .contains("--ip");
  }

  private static boolean openSslAvailable() {
    try {
      Process process = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
      process.getInputStream().readAllBytes();
      return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private int openSsl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("openssl finished").isTrue();
    if (process.exitValue() != 0) {
      System.err.println("openssl " + args[0] + ": " + output);
    }
    return process.exitValue();
  }
}
