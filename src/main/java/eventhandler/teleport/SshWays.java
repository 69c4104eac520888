package eventhandler.teleport;

import eventhandler.teleport.dial.DialException;
import eventhandler.teleport.dial.Front;
import eventhandler.teleport.dial.ProxyEnvironment;
import eventhandler.teleport.dial.ProxyInfo;
import eventhandler.teleport.dial.ProxyPath;
import eventhandler.teleport.dial.Upgrade;
import eventhandler.teleport.dial.WebTls;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Picks the SSH way through a Proxy, as Teleport's client does: with TLS routing, SSH inside TLS
 * (ALPN {@code teleport-reversetunnel}) on the web port, through the same upgrade form as the ALPN
 * router; without it, plain SSH to the tunnel address of {@code /webapi/find}. {@value
 * #TUNNEL_ADDRESS} overrides the address in both. A cert/key/CA trio has no SSH certificate: then
 * no SSH way, and a reason that says an identity file is needed.
 */
final class SshWays {
  static final String TUNNEL_ADDRESS = "TELEPORT_TUNNEL_PUBLIC_ADDR";
  private static final int DEFAULT_TUNNEL_PORT = 3024;

  private final Map<String, String> environment;
  private final ReloadableCredentials credentials;
  private final Duration timeout;
  private final Consumer<AttemptReasons.Failure> skipped;

  SshWays(
      Map<String, String> environment,
      ReloadableCredentials credentials,
      Duration timeout,
      Consumer<AttemptReasons.Failure> skipped) {
    this.environment = environment;
    this.credentials = credentials;
    this.timeout = timeout;
    this.skipped = skipped;
  }

  Optional<Way> next(ProxyPath web, ProxyInfo info, Upgrade form, WebTls webTls) {
    Optional<String> override =
        Optional.ofNullable(environment.get(TUNNEL_ADDRESS)).filter(a -> !a.isBlank());
    boolean tlsRouting = info.tlsRoutingEnabled();
    String tunnel =
        override
            .or(() -> tlsRouting ? Optional.empty() : info.tunnelAddress())
            .orElse(hostPort(web.host(), tlsRouting ? web.port() : DEFAULT_TUNNEL_PORT));
    String source = credentials.source().description();
    if (credentials.current().sshCertificate().isEmpty()) {
      String reason =
          tlsRouting
              ? "skipped: it needs an identity file with an SSH certificate (tctl auth sign"
                  + " --format=file, or tbot), and the "
                  + source
                  + " has none"
              : "reports TLS routing off (separate listener ports); there Auth is reached through"
                  + " the SSH reverse tunnel at "
                  + tunnel
                  + ", which needs an identity file with an SSH certificate (the "
                  + source
                  + " has none): give an identity file, or the Auth Service's address (port 3025)";
      skipped.accept(
          new AttemptReasons.Failure(
              tlsRouting ? "TLS routing over SSH" : "the Proxy Service", reason, null));
      return Optional.empty();
    }
    ProxyPath path;
    try {
      path = path(tunnel);
    } catch (DialException | TeleportException e) {
      skipped.accept(new AttemptReasons.Failure("the SSH reverse tunnel", e.getMessage(), null));
      return Optional.empty();
    }
    return Optional.of(
        tlsRouting
            ? new Way(ConnectionMode.PROXY, new Front(path, form, webTls), Way.Ssh.TLS_ROUTING)
            : new Way(
                ConnectionMode.PROXY,
                new Front(path, Upgrade.NONE, webTls),
                Way.Ssh.REVERSE_TUNNEL));
  }

  private ProxyPath path(String hostPort) throws DialException {
    TeleportAddress target =
        TeleportAddress.parse(
            hostPort.contains(":") ? hostPort : hostPort + ":" + DEFAULT_TUNNEL_PORT,
            "the tunnel address (" + TUNNEL_ADDRESS + " or /webapi/find)");
    return new ProxyPath(
        ProxyEnvironment.from(environment).proxyFor(target.host(), target.port()),
        target.host(),
        target.port(),
        timeout);
  }

  private static String hostPort(String host, int port) {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
