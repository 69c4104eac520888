package eventhandler.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real tinyproxy as an HTTP CONNECT proxy on a free port of 127.0.0.1, with or without Basic
 * credentials, allowing CONNECT to any port (its stock configuration allows only 443 and 563, which
 * would refuse the tests' loopback ports). One foreground process, stopped by its PID.
 *
 * <pre>{@code
 * Middleboxes.requireTinyproxy();
 * try (Tinyproxy proxy = Tinyproxy.startWithCredentials("alice", "s3cret")) {
 *   // run the handler with HTTPS_PROXY=proxy.url() ...
 *   assertThat(proxy.connectRequests()).contains("127.0.0.1:" + proxyServicePort);
 * }
 * }</pre>
 */
public final class Tinyproxy implements AutoCloseable {
  /** What tinyproxy 1.11's configuration accepts for a BasicAuth user or password. */
  private static final Pattern CREDENTIAL = Pattern.compile("[-A-Za-z0-9._]+");

  /** Its log line for each request: {@code Request (file descriptor 5): CONNECT host:port ...}. */
  private static final Pattern CONNECT_LINE =
      Pattern.compile("Request \\(file descriptor \\d+\\): CONNECT (\\S+)");

  private final MiddleboxProcess process;
  private final Path log;
  private final Optional<String> userInfo;

  private Tinyproxy(MiddleboxProcess process, Path log, Optional<String> userInfo) {
    this.process = process;
    this.log = log;
    this.userInfo = userInfo;
  }

  /** A proxy that lets 127.0.0.1 CONNECT anywhere without credentials. */
  public static Tinyproxy start() {
    return start(Optional.empty());
  }

  /**
   * A proxy that answers 407 to a request without {@code Proxy-Authorization: Basic} for these
   * credentials (letters, digits, {@code - . _}: all tinyproxy's configuration can hold). Wrong
   * credentials get 401 from tinyproxy 1.11, not 407: a client should treat both as refused.
   */
  public static Tinyproxy startWithCredentials(String user, String password) {
    for (String value : List.of(user, password)) {
      if (!CREDENTIAL.matcher(value).matches()) {
        throw new IllegalArgumentException(
            "tinyproxy's BasicAuth takes only letters, digits, '-', '.' and '_', not \""
                + value
                + "\"");
      }
    }
    return start(Optional.of(user + ":" + password));
  }

  private static Tinyproxy start(Optional<String> userInfo) {
    Path tinyproxy = Middleboxes.installed("tinyproxy", Middleboxes.tinyproxyBinary());
    Path dir = MiddleboxProcess.newDirectory("tinyproxy");
    Path config = dir.resolve("tinyproxy.conf");
    Path log = dir.resolve("tinyproxy.log");
    Optional<String> basicAuth = userInfo.map(credentials -> credentials.replace(':', ' '));
    MiddleboxProcess process =
        MiddleboxProcess.start(
            new MiddleboxProcess.Launch(
                userInfo.isPresent() ? "tinyproxy with BasicAuth" : "tinyproxy",
                dir,
                config,
                port -> config(port, log, basicAuth),
                // -d: stay in the foreground, one process.
                List.of(tinyproxy.toString(), "-d", "-c", config.toString()),
                List.of(log)));
    return new Tinyproxy(process, log, userInfo);
  }

  /** Its configuration; {@code basicAuth} is {@code "user password"}. */
  static String config(int port, Path log, Optional<String> basicAuth) {
    return """
        # Written by eventhandler.testing.Tinyproxy for one test.
        Port %d
        Listen 127.0.0.1
        Allow 127.0.0.1
        # Long streams go through it: an hour without traffic before it closes a tunnel.
        Timeout 3600
        MaxClients 100
        LogFile "%s"
        # Info logs each request line, so tests can see the CONNECTs it was asked for.
        LogLevel Info
        DisableViaHeader Yes
        # No ConnectPort line: then tinyproxy allows CONNECT to every port.
        %s
        """
        .formatted(
            port,
            log.toAbsolutePath(),
            basicAuth.map(credentials -> "BasicAuth " + credentials).orElse(""));
  }

  public int port() {
    return process.port();
  }

  /** {@code 127.0.0.1:port}. */
  public String address() {
    return "127.0.0.1:" + port();
  }

  /**
   * The proxy URL for a client, {@code http://127.0.0.1:port}, with {@code user:password@} when it
   * was started with credentials.
   */
  public String url() {
    return "http://" + userInfo.map(credentials -> credentials + "@").orElse("") + address();
  }

  /** {@code http://127.0.0.1:port} even when it wants credentials: for the 407 case. */
  public String urlWithoutCredentials() {
    return "http://" + address();
  }

  /**
   * The {@code host:port} of every CONNECT request it received so far, in order, including those it
   * answered with 407 (tinyproxy logs the request line before it checks credentials).
   */
  public List<String> connectRequests() {
    return log()
        .lines()
        .map(CONNECT_LINE::matcher)
        .filter(Matcher::find)
        .map(matcher -> matcher.group(1))
        .toList();
  }

  /** Its log so far. */
  public String log() {
    return MiddleboxProcess.read(log);
  }

  /** Its configuration and logs, for a failure message. */
  public String report() {
    return process.report();
  }

  public long pid() {
    return process.pid();
  }

  /** From starting tinyproxy to its port listening. */
  public Duration startupTime() {
    return process.startupTime();
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
