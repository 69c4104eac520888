package eventhandler.sim;

import eventhandler.sim.auth.SemVer;
import eventhandler.sim.data.CallLatency;
import eventhandler.sim.data.DataSettings;
import eventhandler.sim.proxy.ProxySettings;
import eventhandler.sim.tunnel.SshTunnelServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/** Settings of a simulated cluster; every one has a default. */
public final class SimulatedClusterBuilder {
  long seed = 1;
  String clusterName = SimulatedCluster.DEFAULT_CLUSTER_NAME;
  String serverVersion = SimulatedCluster.DEFAULT_SERVER_VERSION;
  long events = 10_000;
  Instant from;
  Instant to;
  double sessionShare = 0.02;
  double failedLoginShare = 0.05;
  List<String> users = List.of("alice", "bob", "carol", "dave", "erin");
  int minRecording = 20;
  int maxRecording = 200;
  boolean bulkExport = true;
  int chunkSize = 1_000;
  boolean webApi = true;
  boolean tlsRouting = true;
  String tunnelPublicAddress;
  boolean authRouting = true;
  boolean reverseTunnel;
  SshTunnelServer.Fault tunnelFault = SshTunnelServer.Fault.NONE;
  boolean foreignSshHostCertificate;
  boolean connectionUpgrade = true;
  Duration upgradePingInterval = SimulatedCluster.DEFAULT_UPGRADE_PING_INTERVAL;
  boolean rejectOldClients;
  CallLatency latency = CallLatency.NONE;
  Clock clock = Clock.systemUTC();

  SimulatedClusterBuilder() {}

  /** Everything generated (events, sessions, chunk names) follows from the seed. */
  public SimulatedClusterBuilder seed(long seed) {
    this.seed = seed;
    return this;
  }

  public SimulatedClusterBuilder clusterName(String clusterName) {
    if (clusterName == null || clusterName.isBlank()) {
      throw new IllegalArgumentException("the cluster name must not be empty");
    }
    this.clusterName = clusterName;
    return this;
  }

  /** What {@code Ping} reports; default {@value SimulatedCluster#DEFAULT_SERVER_VERSION}. */
  public SimulatedClusterBuilder serverVersion(String serverVersion) {
    this.serverVersion = serverVersion;
    return this;
  }

  /** How many audit events exist from the start (default 10,000). */
  public SimulatedClusterBuilder events(long events) {
    if (events < 0) {
      throw new IllegalArgumentException("the event count must not be negative: " + events);
    }
    this.events = events;
    return this;
  }

  /**
   * The events are spread over {@code [from, to)}, ascending; default the last 7 days until a
   * minute ago. Times are kept to the millisecond.
   */
  public SimulatedClusterBuilder timeRange(Instant from, Instant to) {
    if (to.isBefore(from)) {
      throw new IllegalArgumentException("the time range ends before it starts");
    }
    this.from = from.truncatedTo(ChronoUnit.MILLIS);
    this.to = to.truncatedTo(ChronoUnit.MILLIS);
    return this;
  }

  /** Share of events that are {@code session.upload} (each has a recording); default 0.02. */
  public SimulatedClusterBuilder sessionShare(double share) {
    this.sessionShare = share(share);
    return this;
  }

  /** Share of events that are failed {@code user.login}; default 0.05. */
  public SimulatedClusterBuilder failedLoginShare(double share) {
    this.failedLoginShare = share(share);
    return this;
  }

  /** The users events name (so failed logins repeat per user). */
  public SimulatedClusterBuilder users(List<String> users) {
    if (users.isEmpty()) {
      throw new IllegalArgumentException("at least one user is needed");
    }
    this.users = List.copyOf(users);
    return this;
  }

  /** Each recording has between {@code min} and {@code max} events (default 20..200). */
  public SimulatedClusterBuilder recordingLength(int min, int max) {
    if (min < 2 || max < min) {
      throw new IllegalArgumentException(
          "recording length must be a range of at least 2 events: " + min + ".." + max);
    }
    this.minRecording = min;
    this.maxRecording = max;
    return this;
  }

  /** Whether the bulk export methods exist (default true; false answers UNIMPLEMENTED). */
  public SimulatedClusterBuilder bulkExport(boolean enabled) {
    this.bulkExport = enabled;
    return this;
  }

  /** Events per bulk export chunk at most (default 1,000). */
  public SimulatedClusterBuilder chunkSize(int chunkSize) {
    if (chunkSize <= 0) {
      throw new IllegalArgumentException("the chunk size must be positive: " + chunkSize);
    }
    this.chunkSize = chunkSize;
    return this;
  }

  /**
   * Whether the proxy serves its web API ({@code /webapi/ping}, {@code /webapi/find}, {@code
   * /webapi/connectionupgrade}) over http/1.1 or no ALPN (default true).
   */
  public SimulatedClusterBuilder webApi(boolean enabled) {
    this.webApi = enabled;
    return this;
  }

  /**
   * What {@code /webapi/find} reports as {@code proxy.tls_routing_enabled} (default true). Off, the
   * SSH and tunnel addresses are those of a proxy with separate ports. The front routes {@code
   * teleport-auth@...} either way.
   */
  public SimulatedClusterBuilder tlsRouting(boolean enabled) {
    this.tlsRouting = enabled;
    return this;
  }

  /**
   * The {@code host:port} that {@code /webapi/find} reports as the tunnel address when TLS routing
   * is off (default: the web host with port 3024).
   */
  public SimulatedClusterBuilder tunnelPublicAddress(String hostPort) {
    if (hostPort != null && !hostPort.contains(":")) {
      throw new IllegalArgumentException("the tunnel address needs host:port: " + hostPort);
    }
    this.tunnelPublicAddress = hostPort;
    return this;
  }

  /**
   * Whether ALPN {@code teleport-auth@...} on the web port reaches the Auth Service (default true);
   * off, only the SSH ways (and the web API) are left on it.
   */
  public SimulatedClusterBuilder authRouting(boolean enabled) {
    this.authRouting = enabled;
    return this;
  }

  /**
   * Whether {@code /webapi/find} reports the SSH tunnel server's own port as the tunnel address
   * when TLS routing is off (default false: the web host with port 3024, where nothing listens).
   */
  public SimulatedClusterBuilder reverseTunnel(boolean enabled) {
    this.reverseTunnel = enabled;
    return this;
  }

  /** A fault of the SSH tunnel server, for error tests. */
  public SimulatedClusterBuilder tunnelFault(SshTunnelServer.Fault fault) {
    this.tunnelFault = Objects.requireNonNull(fault);
    return this;
  }

  /** The SSH host certificate is signed by a CA that is not the cluster's host CA. */
  public SimulatedClusterBuilder foreignSshHostCertificate() {
    this.foreignSshHostCertificate = true;
    return this;
  }

  /**
   * Whether {@code /webapi/connectionupgrade} exists (default true); off, it answers 404 like a
   * proxy that refuses upgrades.
   */
  public SimulatedClusterBuilder connectionUpgrade(boolean enabled) {
    this.connectionUpgrade = enabled;
    return this;
  }

  /** How often {@code alpn-ping} upgrades get a ping (default 30 s; make it short in tests). */
  public SimulatedClusterBuilder upgradePingInterval(Duration interval) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("the ping interval must be positive: " + interval);
    }
    this.upgradePingInterval = interval;
    return this;
  }

  /**
   * Refuse calls from clients older than {@code <server major - 1>.0.0} (or whose {@code version}
   * header is not semver), as {@code TELEPORT_UNSTABLE_REJECT_OLD_CLIENTS=yes} does: the call fails
   * with PERMISSION_DENIED and the connection is closed. Default false.
   */
  public SimulatedClusterBuilder rejectOldClients(boolean enabled) {
    this.rejectOldClients = enabled;
    return this;
  }

  /**
   * What each call of the events API ({@code GetUnstructuredEvents}, {@code GetEventExportChunks},
   * {@code ExportUnstructuredEvents}) costs: {@code perCall} plus {@code perEvent} for each event
   * returned, as a real events backend does. Calls in flight together wait once. Default none.
   */
  public SimulatedClusterBuilder teleportLatency(Duration perCall, Duration perEvent) {
    this.latency = new CallLatency(perCall, perEvent);
    return this;
  }

  /** The clock for default time ranges, live events and certificate validity. */
  public SimulatedClusterBuilder clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock);
    return this;
  }

  public SimulatedCluster build() {
    if (sessionShare + failedLoginShare > 1) {
      throw new IllegalArgumentException("sessionShare + failedLoginShare must not exceed 1");
    }
    if (rejectOldClients && SemVer.parse(serverVersion).isEmpty()) {
      throw new IllegalArgumentException(
          "rejectOldClients needs a semver serverVersion like 16.4.12, not " + serverVersion);
    }
    return new SimulatedCluster(this);
  }

  /** What the data part is made of, with the time range {@code [from, to)} resolved. */
  DataSettings dataSettings(Instant resolvedFrom, Instant resolvedTo) {
    return new DataSettings(
        seed,
        clusterName,
        resolvedFrom.toEpochMilli(),
        resolvedTo.toEpochMilli(),
        events,
        sessionShare,
        failedLoginShare,
        users,
        minRecording,
        maxRecording,
        chunkSize);
  }

  ProxySettings proxySettings(String minClientVersion) {
    return new ProxySettings(
        clusterName,
        serverVersion,
        minClientVersion,
        webApi,
        tlsRouting,
        tunnelPublicAddress,
        connectionUpgrade,
        upgradePingInterval,
        authRouting,
        reverseTunnel);
  }

  private static double share(double share) {
    if (!(share >= 0 && share <= 1)) {
      throw new IllegalArgumentException("a share must be between 0 and 1: " + share);
    }
    return share;
  }
}
