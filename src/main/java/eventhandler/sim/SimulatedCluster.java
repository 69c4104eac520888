package eventhandler.sim;

import eventhandler.sim.auth.AuthServer;
import eventhandler.sim.auth.Connections;
import eventhandler.sim.auth.ReceivedCall;
import eventhandler.sim.auth.SeenCertificate;
import eventhandler.sim.auth.SemVer;
import eventhandler.sim.data.CallLatency;
import eventhandler.sim.data.ClusterData;
import eventhandler.sim.data.Faults;
import eventhandler.sim.pki.ClusterAuthorities;
import eventhandler.sim.pki.IdentityOptions;
import eventhandler.sim.pki.IdentityWriter;
import eventhandler.sim.pki.KeyPairFiles;
import eventhandler.sim.pki.WrittenIdentity;
import eventhandler.sim.proxy.ProxyFront;
import eventhandler.sim.proxy.UpgradeType;
import eventhandler.sim.tunnel.SshTunnelServer;
import eventhandler.teleport.proto.auditlog.EventUnstructured;
import eventhandler.teleport.proto.types.LockV2;
import eventhandler.tls.CertificateIssuer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * A simulated Teleport cluster for tests, {@code demo} and {@code bench}: an Auth Service over real
 * mutual TLS on 127.0.0.1 serving a deterministic audit log and session recordings, and a Proxy
 * front with TLS routing, a reverse tunnel ALPN, a web API ({@code /webapi/find}, {@code
 * /webapi/ping}) and the ALPN connection upgrade a client uses behind an L7 load balancer. Events
 * are computed from (seed, index), never stored, so large clusters cost no memory.
 *
 * <p>This class wires the parts together and is the simulator's one entry point: {@code data} (what
 * the backend holds), {@code auth} (the gRPC port), {@code proxy} (the web port) and {@code pki}.
 * It is over 300 lines for that reason only: past the wiring, every method is a documented one-line
 * delegate, so tests, {@code demo} and {@code bench} never reach into the parts.
 *
 * <pre>{@code
 * try (SimulatedCluster cluster = SimulatedCluster.builder().seed(42).events(10_000).build()) {
 *   cluster.start();
 *   cluster.writeIdentity(dir.resolve("identity"), IdentityOptions.defaults());
 *   // connect to cluster.authAddress() or cluster.proxyAddress()
 * }
 * }</pre>
 */
public final class SimulatedCluster implements AutoCloseable {
  public static final String DEFAULT_CLUSTER_NAME = "sim.example.com";
  public static final String DEFAULT_SERVER_VERSION = "16.4.12";

  /** How often the Proxy pings an {@code alpn-ping} upgrade, as Teleport's ProxyPingInterval. */
  public static final Duration DEFAULT_UPGRADE_PING_INTERVAL = Duration.ofSeconds(30);

  private final String clusterName;
  private final String serverVersion;
  private final Instant from;
  private final Instant to;
  private final Clock clock;
  private final String minClientVersion;
  private final ClusterData data;
  private final ClusterAuthorities authorities;
  private final IdentityWriter identities;
  private final Connections connections = new Connections();
  private final AtomicBoolean bulkExport;
  private final AuthServer auth;
  private final ProxyFront proxy;
  private final SshTunnelServer.Fault tunnelFault;
  private final boolean foreignSshHost;
  private SshTunnelServer tunnel;
  private volatile InetSocketAddress tunnelAddress;

  private EventLoopGroup boss;
  private EventLoopGroup workers;
  private ExecutorService executor;
  private ScheduledExecutorService scheduler;
  private InetSocketAddress authAddress;
  private InetSocketAddress proxyAddress;

  SimulatedCluster(SimulatedClusterBuilder b) {
    this.clusterName = b.clusterName;
    this.serverVersion = b.serverVersion;
    this.clock = b.clock;
    Instant now = clock.instant();
    this.to = b.to != null ? b.to : now.minus(Duration.ofMinutes(1)).truncatedTo(ChronoUnit.MILLIS);
    this.from =
        b.from != null ? b.from : now.minus(Duration.ofDays(7)).truncatedTo(ChronoUnit.MILLIS);
    SemVer oldestClient =
        SemVer.parse(serverVersion).map(SemVer::oldestSupportedClient).orElse(null);
    // An unparsable server version (e.g. "dev") still reports something a client can parse.
    this.minClientVersion = oldestClient != null ? oldestClient.toString() : "0.0.0";
    this.data = new ClusterData(b.dataSettings(from, to));
    CertificateIssuer issuer = new CertificateIssuer();
    this.authorities = new ClusterAuthorities(clusterName, issuer, now);
    this.identities = new IdentityWriter(clusterName, authorities, issuer, clock);
    this.bulkExport = new AtomicBoolean(b.bulkExport);
    this.auth =
        new AuthServer(
            data,
            connections,
            bulkExport,
            clusterName,
            serverVersion,
            b.rejectOldClients ? oldestClient : null,
            this::proxyAddressOrEmpty);
    auth.latency(b.latency);
    this.proxy = new ProxyFront(b.proxySettings(minClientVersion), authorities, connections);
    this.tunnelFault = b.tunnelFault;
    this.foreignSshHost = b.foreignSshHostCertificate;
  }

  public static SimulatedClusterBuilder builder() {
    return new SimulatedClusterBuilder();
  }

  /** Binds the Auth Service and the proxy front to ephemeral ports on 127.0.0.1. */
  public synchronized SimulatedCluster start() throws IOException {
    if (boss != null) {
      throw new IllegalStateException("the simulated cluster is already started");
    }
    boss = new NioEventLoopGroup(1, new DefaultThreadFactory("sim-accept", true));
    workers = new NioEventLoopGroup(2, new DefaultThreadFactory("sim-io", true));
    executor = Executors.newFixedThreadPool(2, new DefaultThreadFactory("sim-grpc", true));
    scheduler =
        Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("sim-timer", true));
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try {
      authAddress =
          auth.start(
              new InetSocketAddress(loopback, 0),
              authorities.authServerTls(),
              boss,
              workers,
              executor,
              scheduler);
      tunnel =
          new SshTunnelServer(
              authorities.sshHost(foreignSshHost),
              authorities.userCa().keyPair().getPublic(),
              authAddress,
              tunnelFault);
      tunnelAddress = tunnel.start(new InetSocketAddress(loopback, 0));
      proxyAddress =
          proxy.bind(
              new InetSocketAddress(loopback, 0),
              authAddress,
              this::proxyAddressOrEmpty,
              () -> tunnelAddress,
              boss,
              workers);
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new IOException("interrupted while starting the simulated cluster", e);
    }
    return this;
  }

  /** Stops both ports, drops all connections and releases every thread. */
  @Override
  public synchronized void close() {
    auth.shutdownNow();
    proxy.close();
    if (tunnel != null) {
      tunnel.close();
      tunnel = null;
    }
    connections.closeAll();
    try {
      auth.awaitTermination();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (boss != null) {
      boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
    if (workers != null) {
      workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
    if (executor != null) {
      executor.shutdownNow();
    }
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
    boss = null;
    workers = null;
    executor = null;
    scheduler = null;
  }

  // --- addresses and trust -------------------------------------------------------------------

  /** {@code 127.0.0.1:<port>} of the Auth Service (direct mode, like {@code auth:3025}). */
  public String authAddress() {
    return hostPort(requireStarted(authAddress));
  }

  /** {@code 127.0.0.1:<port>} of the proxy front with TLS routing (like {@code proxy:443}). */
  public String proxyAddress() {
    return hostPort(requireStarted(proxyAddress));
  }

  /**
   * The SSH tunnel server's address (the plain reverse-tunnel port, like {@code proxy:3024}); the
   * web front splices {@code teleport-reversetunnel} to it too.
   */
  public InetSocketAddress tunnelSocketAddress() {
    return requireStarted(tunnelAddress);
  }

  /** {@code teleport-transport-dial} requests to Auth served by the SSH tunnel so far. */
  public long tunnelDials() {
    return tunnel == null ? 0 : tunnel.dials();
  }

  /** The expiry of each SSH user certificate the tunnel accepted so far, oldest first. */
  public List<Instant> tunnelCertificateExpiries() {
    return tunnel == null ? List.of() : tunnel.acceptedCertificateExpiries();
  }

  /** Breaks every SSH tunnel connection now; the tunnel server keeps listening. */
  public void dropTunnelConnections() {
    if (tunnel != null) {
      tunnel.dropConnections();
    }
  }

  public InetSocketAddress authSocketAddress() {
    return requireStarted(authAddress);
  }

  public InetSocketAddress proxySocketAddress() {
    return requireStarted(proxyAddress);
  }

  public String clusterName() {
    return clusterName;
  }

  public String serverVersion() {
    return serverVersion;
  }

  /** The ALPN protocol that routes through the proxy to Auth: {@code teleport-auth@<hex>...}. */
  public String authAlpnProtocol() {
    return ProxyFront.authProtocol(clusterName);
  }

  /** The CA that signs the Auth Service's certificate; clients trust it. */
  public X509Certificate hostCaCertificate() {
    return authorities.hostCa().certificate();
  }

  /** The CA that signs client identities; the Auth Service trusts only it. */
  public X509Certificate userCaCertificate() {
    return authorities.userCa().certificate();
  }

  /**
   * The CA of the proxy's web certificate (valid for {@code localhost}, 127.0.0.1 and this
   * machine's name, which a client behind an outbound proxy uses): the web API, the outer TLS of a
   * connection upgrade, and {@code teleport-reversetunnel} straight on the front. Inside an upgrade
   * the reverse tunnel shows a host certificate from {@link #hostCaCertificate()}.
   */
  public X509Certificate webCaCertificate() {
    return authorities.webCa().certificate();
  }

  /** The ALPN protocol of the reverse tunnel (SSH inside TLS) on the front. */
  public static String reverseTunnelAlpnProtocol() {
    return ProxyFront.reverseTunnelProtocol();
  }

  /**
   * What {@code /webapi/find} reports as {@code min_client_version}, and the oldest version refused
   * clients are measured against: {@code <server major - 1>.0.0-aa}.
   */
  public String minClientVersion() {
    return minClientVersion;
  }

  // --- credentials ---------------------------------------------------------------------------

  /** Writes an identity file (as {@code tctl auth sign --format=file}), mode 0600. */
  public WrittenIdentity writeIdentity(Path file, IdentityOptions options) throws IOException {
    return identities.writeIdentity(file, options);
  }

  public WrittenIdentity writeIdentity(Path file) throws IOException {
    return writeIdentity(file, IdentityOptions.defaults());
  }

  /** Writes {@code auth.crt}, {@code auth.key} and {@code auth.cas} into {@code directory}. */
  public KeyPairFiles writeKeyPair(Path directory, IdentityOptions options) throws IOException {
    return identities.writeKeyPair(directory, "auth", options);
  }

  // --- controls and observations -------------------------------------------------------------

  public Faults faults() {
    return data.faults();
  }

  /** What each call of the events API costs from now on (see {@link CallLatency}). */
  public void teleportLatency(CallLatency latency) {
    auth.latency(latency);
  }

  /** Switches the bulk export methods on or off (off: they answer UNIMPLEMENTED). */
  public void bulkExport(boolean enabled) {
    bulkExport.set(enabled);
  }

  /** Locks received by {@code UpsertLock}, in order. */
  public List<LockV2> locks() {
    return data.locks();
  }

  /** Server streams started and not yet completed, failed or cancelled. */
  public int openStreams() {
    return auth.openStreams();
  }

  /** Messages sent on all server streams so far. */
  public long streamedMessages() {
    return auth.streamedMessages();
  }

  /** The client certificate of each Auth connection, in connection order. */
  public List<SeenCertificate> seenClientCertificates() {
    return connections.certificates();
  }

  /** Calls received (the most recent 10,000), in order. */
  public List<ReceivedCall> receivedCalls() {
    return auth.receivedCalls();
  }

  /** The {@code version} header of each call received (null where it was absent). */
  public List<String> versionHeaders() {
    return auth.receivedCalls().stream().map(ReceivedCall::versionHeader).toList();
  }

  /**
   * Calls refused for their {@code version} header (see {@link
   * SimulatedClusterBuilder#rejectOldClients}).
   */
  public long refusedOldClientCalls() {
    return auth.refusedOldClientCalls();
  }

  /** Connection upgrades of {@code type} the proxy switched to (answered 101) so far. */
  public long connectionUpgrades(UpgradeType type) {
    return proxy.connectionUpgrades(type);
  }

  /** Requests to {@code /webapi/connectionupgrade} answered with an HTTP error (400, 404, 405). */
  public long refusedConnectionUpgrades() {
    return proxy.refusedConnectionUpgrades();
  }

  /** Pings the proxy sent on {@code alpn-ping} upgrades (WebSocket and legacy). */
  public long upgradePingsSent() {
    return proxy.upgradePingsSent();
  }

  /** WebSocket pongs the proxy received on upgraded connections. */
  public long upgradePongsReceived() {
    return proxy.upgradePongsReceived();
  }

  /** {@code teleport-reversetunnel} TLS handshakes completed (on the front or inside upgrades). */
  public long reverseTunnelConnections() {
    return proxy.reverseTunnelConnections();
  }

  /** Open TCP connections to the Auth port (direct and through the proxy). */
  public int openAuthConnections() {
    return connections.openAuthConnections();
  }

  /** Closes every client connection now (the ports stay open); returns how many. */
  public int dropConnections() {
    return connections.closeAll();
  }

  /**
   * Adds {@code count} audit events with the current time (events arriving while the program runs).
   * They are visible to search and, as new chunks of today, to bulk export.
   *
   * @return the index of the first new event
   */
  public long appendLiveEvents(int count) {
    return data.appendLiveEvents(count, clock.millis());
  }

  // --- expected content ----------------------------------------------------------------------

  public Instant from() {
    return from;
  }

  public Instant to() {
    return to;
  }

  /** All audit events so far, generated and live. */
  public long auditEventCount() {
    return data.auditEventCount();
  }

  public EventUnstructured auditEvent(long index) {
    return data.auditEvent(index);
  }

  /** Every audit event in order, made lazily (safe for millions). */
  public Stream<EventUnstructured> expectedAuditEvents() {
    return data.expectedAuditEvents();
  }

  /** The session ids of all {@code session.upload} events, in order. */
  public List<String> sessionIds() {
    return data.sessionIds();
  }

  /**
   * The events of the recording of {@code sessionId}, ignoring the "missing recording" fault; empty
   * when the cluster has no such session.
   */
  public List<EventUnstructured> expectedSessionEvents(String sessionId) {
    return data.expectedSessionEvents(sessionId);
  }

  private String proxyAddressOrEmpty() {
    return proxyAddress == null ? "" : hostPort(proxyAddress);
  }

  private static String hostPort(InetSocketAddress address) {
    return address.getAddress().getHostAddress() + ":" + address.getPort();
  }

  private static InetSocketAddress requireStarted(InetSocketAddress address) {
    if (address == null) {
      throw new IllegalStateException("the simulated cluster is not started");
    }
    return address;
  }
}
