package eventhandler.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * A real nginx between the client under test and a server, on a free port of 127.0.0.1: an L7 load
 * balancer that ends TLS (with or without passing upgrades), or a TLS router by SNI. Each runs in
 * the foreground as one process in a directory of its own, and {@link #close()} stops it by PID.
 *
 * <pre>{@code
 * Middleboxes.requireNginx();
 * try (Nginx lb = Nginx.l7LoadBalancer("127.0.0.1:" + proxyPort, "proxy.example.com",
 *     lbCert.certificateFile(), lbCert.keyFile())) {
 *   // point the handler at lb.address() ...
 *   lb.awaitAccessLogLine("\"GET /webapi/connectionupgrade HTTP/1.1\" 101");
 * }
 * }</pre>
 *
 * <p>nginx writes an access log line when a request ends, and for an upgraded connection that is
 * when the connection closes; the SNI router writes one per connection when it closes.
 */
public final class Nginx implements AutoCloseable {
  /** How long {@link #awaitAccessLogLine} waits. */
  public static final Duration LOG_WAIT = Duration.ofSeconds(10);

  private final MiddleboxProcess process;
  private final NginxConfig.Layout layout;

  private Nginx(MiddleboxProcess process, NginxConfig.Layout layout) {
    this.process = process;
    this.layout = layout;
  }

  /**
   * An L7 load balancer: ends TLS (HTTP/1.1 only) with the certificate in {@code certificatePem}
   * and the key in {@code keyPem}, and proxies every path to {@code https://upstream}, sending
   * {@code upstreamServerName} as SNI and passing WebSocket and other HTTP upgrades through, with
   * hour-long timeouts and no buffering.
   *
   * @param upstream the server behind it, {@code host:port}
   * @param certificatePem PEM file of the LB's own certificate (a chain may follow it)
   * @param keyPem PEM file of its private key (PKCS#8, or SEC1/PKCS#1 as OpenSSL reads them)
   */
  public static Nginx l7LoadBalancer(
      String upstream, String upstreamServerName, Path certificatePem, Path keyPem) {
    return l7(upstream, upstreamServerName, certificatePem, keyPem, true);
  }

  /**
   * The same load balancer, misconfigured as many are: it does not pass {@code Upgrade} and {@code
   * Connection}, so the upstream sees a plain request and no upgrade succeeds.
   */
  public static Nginx l7LoadBalancerWithoutUpgrades(
      String upstream, String upstreamServerName, Path certificatePem, Path keyPem) {
    return l7(upstream, upstreamServerName, certificatePem, keyPem, false);
  }

  /**
   * A TCP router that reads the server name of each TLS ClientHello without ending TLS ({@code
   * ssl_preread}) and forwards the connection to the {@code host:port} routed for that name (names
   * match ignoring case); for an unknown name or none it closes the connection.
   *
   * @param routes server name to {@code host:port}
   */
  public static Nginx sniRouter(Map<String, String> routes) {
    Path nginx = Middleboxes.installed("nginx", Middleboxes.nginxBinary());
    NginxStreamModule module = NginxStreamModule.required(nginx);
    Map<String, HostPort> parsed = new LinkedHashMap<>();
    routes.forEach((name, target) -> parsed.put(name, HostPort.parse(target)));
    boolean asRoot = Middleboxes.runsAsRoot();
    NginxConfig.Layout layout = new NginxConfig.Layout(MiddleboxProcess.newDirectory("nginx-sni"));
    return start(
        "nginx SNI router",
        nginx,
        layout,
        port -> NginxConfig.sniRouter(layout, port, parsed, module, asRoot));
  }

  private static Nginx l7(
      String upstream, String serverName, Path certificate, Path key, boolean passUpgrades) {
    Path nginx = Middleboxes.installed("nginx", Middleboxes.nginxBinary());
    HostPort target = HostPort.parse(upstream);
    requireFile(certificate, "certificate");
    requireFile(key, "key");
    boolean asRoot = Middleboxes.runsAsRoot();
    String kind = passUpgrades ? "l7" : "l7-no-upgrade";
    NginxConfig.Layout layout =
        new NginxConfig.Layout(MiddleboxProcess.newDirectory("nginx-" + kind));
    return start(
        passUpgrades ? "nginx L7 load balancer" : "nginx L7 load balancer without upgrades",
        nginx,
        layout,
        port ->
            NginxConfig.l7LoadBalancer(
                layout, port, target, serverName, certificate, key, passUpgrades, asRoot));
  }

  private static Nginx start(
      String name, Path nginx, NginxConfig.Layout layout, IntFunction<String> config) {
    try {
      // nginx makes each temp directory but not their parent.
      Files.createDirectories(layout.temp());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> command =
        List.of(
            nginx.toString(),
            "-p",
            layout.dir().toString(),
            // -e: even errors before the configuration is read go to the test's directory.
            "-e",
            layout.errorLog().toString(),
            "-c",
            layout.config().toString(),
            // One foreground process, so its PID is the whole nginx.
            "-g",
            "daemon off; master_process off;");
    MiddleboxProcess process =
        MiddleboxProcess.start(
            new MiddleboxProcess.Launch(
                name,
                layout.dir(),
                layout.config(),
                config,
                command,
                List.of(layout.errorLog(), layout.accessLog())));
    return new Nginx(process, layout);
  }

  private static void requireFile(Path file, String what) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "the load balancer's " + what + " file " + file + " does not exist");
    }
  }

  public int port() {
    return process.port();
  }

  /** {@code 127.0.0.1:port}, where it listens. */
  public String address() {
    return "127.0.0.1:" + port();
  }

  /**
   * {@code localhost:port}, for a client that must send a name (as SNI or to match a certificate);
   * localhost must resolve to 127.0.0.1, as on Debian, since it listens only there.
   */
  public String localhostAddress() {
    return "localhost:" + port();
  }

  /**
   * The access log's lines so far. The L7 load balancer writes {@code 127.0.0.1 "GET /path
   * HTTP/1.1" 101 sent=0 upgrade="alpn" upstream=127.0.0.1:8443 upstream_status=101 time=0.123};
   * the SNI router {@code 127.0.0.1 sni="name" upstream=127.0.0.1:8443 status=200 sent=...} (status
   * 502 when the route refused or the name was unknown).
   */
  public List<String> accessLog() {
    return MiddleboxProcess.read(layout.accessLog()).lines().toList();
  }

  /** The error log so far (nginx logs at level info: connections, upstream errors). */
  public String errorLog() {
    return MiddleboxProcess.read(layout.errorLog());
  }

  /** Waits up to {@link #LOG_WAIT} for an access log line containing {@code fragment}. */
  public String awaitAccessLogLine(String fragment) {
    return awaitAccessLogLine(line -> line.contains(fragment), "a line containing " + fragment);
  }

  /**
   * Waits up to {@link #LOG_WAIT} for an access log line that {@code matches}.
   *
   * @throws AssertionError with the logs when none comes
   */
  public String awaitAccessLogLine(Predicate<String> matches, String description) {
    long deadline = System.nanoTime() + LOG_WAIT.toNanos();
    while (true) {
      Optional<String> line = accessLog().stream().filter(matches).findFirst();
      if (line.isPresent()) {
        return line.get();
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "nginx's access log has no "
                + description
                + " after "
                + LOG_WAIT.toSeconds()
                + " s (an upgraded connection is logged only when it closes)\n"
                + report());
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }

  /** Its configuration and logs, for a failure message. */
  public String report() {
    return process.report();
  }

  public long pid() {
    return process.pid();
  }

  /** From starting nginx to its port listening. */
  public Duration startupTime() {
    return process.startupTime();
  }

  /** Its directory: configuration, logs, temp files. Deleted by {@link #close()}. */
  public Path directory() {
    return layout.dir();
  }

  /** Stops it by its PID and checks it is gone. */
  @Override
  public void close() {
    process.close();
  }

  @Override
  public String toString() {
    return process.toString();
  }
}
