package eventhandler.sim;

import eventhandler.teleport.proto.auditlog.EventUnstructured;
import eventhandler.teleport.proto.types.LockV2;
import eventhandler.tls.CertificateIssuer;
import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerTransportFilter;
import io.grpc.netty.NettyServerBuilder;
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
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * A simulated Teleport cluster for tests, {@code demo} and {@code bench}: an Auth Service over real
 * mutual TLS on 127.0.0.1 serving a deterministic audit log and session recordings, and a Proxy
 * front with TLS routing, a reverse tunnel ALPN, a web API ({@code /webapi/find}, {@code
 * /webapi/ping}) and the ALPN connection upgrade a client uses behind an L7 load balancer. Events
 * are computed from (seed, index), never stored, so large clusters cost no memory.
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

  /** Big enough for a 33 MiB event and then some. */
  private static final int MAX_INBOUND_MESSAGE_BYTES = 4 * 1024 * 1024;

  private final long seed;
  private final String clusterName;
  private final String serverVersion;
  private final Instant from;
  private final Instant to;
  private final Clock clock;
  private final boolean webApiEnabled;
  private final boolean tlsRouting;
  private final String tunnelPublicAddress;
  private final boolean connectionUpgrade;
  private final Duration upgradePingInterval;
  private final String minClientVersion;
  private final ClientVersionGate versionGate;
  private final UpgradeStats upgradeStats = new UpgradeStats();
  private final Faults faults;
  private final EventTimeline timeline;
  private final AuditEvents auditEvents;
  private final SessionRecordings recordings;
  private final ExportChunks chunks;
  private final ClusterAuthorities authorities;
  private final IdentityWriter identities;
  private final Connections connections = new Connections();
  private final StreamCounter streams = new StreamCounter();
  private final CallRecorder calls;
  private final AtomicBoolean bulkExport;
  private final SimulatedAuthService authService;

  private EventLoopGroup boss;
  private EventLoopGroup workers;
  private ExecutorService executor;
  private ScheduledExecutorService scheduler;
  private Server server;
  private TlsRoutingFront proxy;
  private InetSocketAddress authAddress;
  private InetSocketAddress proxyAddress;

  private SimulatedCluster(Builder b) {
    this.seed = b.seed;
    this.clusterName = b.clusterName;
    this.serverVersion = b.serverVersion;
    this.clock = b.clock;
    Instant now = clock.instant();
    this.to = b.to != null ? b.to : now.minus(Duration.ofMinutes(1)).truncatedTo(ChronoUnit.MILLIS);
    this.from =
        b.from != null ? b.from : now.minus(Duration.ofDays(7)).truncatedTo(ChronoUnit.MILLIS);
    this.webApiEnabled = b.webApi;
    this.tlsRouting = b.tlsRouting;
    this.tunnelPublicAddress = b.tunnelPublicAddress;
    this.connectionUpgrade = b.connectionUpgrade;
    this.upgradePingInterval = b.upgradePingInterval;
    SemVer oldestClient =
        SemVer.parse(serverVersion).map(SemVer::oldestSupportedClient).orElse(null);
    // An unparsable server version (e.g. "dev") still reports something a client can parse.
    this.minClientVersion = oldestClient != null ? oldestClient.toString() : "0.0.0";
    this.versionGate = new ClientVersionGate(b.rejectOldClients ? oldestClient : null, connections);
    this.faults = new Faults(seed);
    this.timeline = new EventTimeline(from.toEpochMilli(), to.toEpochMilli(), b.events);
    SessionIds sessionIds = new SessionIds(seed);
    this.auditEvents =
        new AuditEvents(
            seed,
            clusterName,
            b.sessionShare,
            b.failedLoginShare,
            b.users,
            timeline,
            sessionIds,
            faults);
    this.recordings =
        new SessionRecordings(
            seed, b.minRecording, b.maxRecording, auditEvents, sessionIds, faults);
    this.chunks = new ExportChunks(seed, b.chunkSize, timeline);
    CertificateIssuer issuer = new CertificateIssuer();
    this.authorities = new ClusterAuthorities(clusterName, issuer, now);
    this.identities = new IdentityWriter(clusterName, authorities, issuer, clock);
    this.calls = new CallRecorder(faults);
    this.bulkExport = new AtomicBoolean(b.bulkExport);
    this.authService =
        new SimulatedAuthService(clusterName, serverVersion, () -> proxyAddressOrEmpty());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Binds the Auth Service and the proxy front to ephemeral ports on 127.0.0.1. */
  public synchronized SimulatedCluster start() throws IOException {
    if (server != null) {
      throw new IllegalStateException("the simulated cluster is already started");
    }
    boss = new NioEventLoopGroup(1, new DefaultThreadFactory("sim-accept", true));
    workers = new NioEventLoopGroup(2, new DefaultThreadFactory("sim-io", true));
    executor = Executors.newFixedThreadPool(2, new DefaultThreadFactory("sim-grpc", true));
    scheduler =
        Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("sim-timer", true));
    SimulatedAuditLog auditLog =
        new SimulatedAuditLog(
            seed,
            auditEvents,
            recordings,
            chunks,
            faults,
            streams,
            connections,
            bulkExport,
            scheduler,
            executor);
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try {
      server =
          NettyServerBuilder.forAddress(new InetSocketAddress(loopback, 0))
              .channelFactory(connections::newAuthServerChannel)
              .bossEventLoopGroup(boss)
              .workerEventLoopGroup(workers)
              .executor(executor)
              .sslContext(authorities.authServerTls())
              .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
              // The Go client pings every minute even without calls; Teleport allows that.
              .permitKeepAliveTime(30, TimeUnit.SECONDS)
              .permitKeepAliveWithoutCalls(true)
              .addTransportFilter(
                  new ServerTransportFilter() {
                    @Override
                    public Attributes transportReady(Attributes attributes) {
                      connections.handshakeDone(
                          attributes.get(Grpc.TRANSPORT_ATTR_SSL_SESSION),
                          attributes.get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
                      return attributes;
                    }
                  })
              // The last interceptor runs first: every call is recorded, then version-checked.
              .addService(ServerInterceptors.intercept(auditLog, versionGate, calls))
              .addService(ServerInterceptors.intercept(authService, versionGate, calls))
              .build()
              .start();
      authAddress = (InetSocketAddress) server.getListenSockets().get(0);
      proxy = new TlsRoutingFront(proxyRoutes());
      proxyAddress = proxy.bind(new InetSocketAddress(loopback, 0), boss, workers);
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

  private FrontRoutes proxyRoutes() {
    WebApi webApi = null;
    if (webApiEnabled) {
      ProxyDiscovery discovery =
          new ProxyDiscovery(
              clusterName,
              serverVersion,
              minClientVersion,
              tlsRouting,
              tunnelPublicAddress,
              this::proxyAddressOrEmpty);
      ConnectionUpgrades upgrades =
          connectionUpgrade ? new ConnectionUpgrades(upgradePingInterval, upgradeStats) : null;
      webApi = new WebApi(authorities.webServerTls(), discovery, upgrades);
    }
    ReverseTunnelEndpoint reverseTunnel =
        new ReverseTunnelEndpoint(
            authorities.reverseTunnelTls(), authorities.upgradedReverseTunnelTls(), upgradeStats);
    return new FrontRoutes(
        FrontRoutes.authProtocol(clusterName), authAddress, connections, webApi, reverseTunnel);
  }

  /** Stops both ports, drops all connections and releases every thread. */
  @Override
  public synchronized void close() {
    if (server != null) {
      server.shutdownNow();
    }
    if (proxy != null) {
      proxy.close();
    }
    connections.closeAll();
    try {
      if (server != null) {
        server.awaitTermination(5, TimeUnit.SECONDS);
      }
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
    server = null;
    proxy = null;
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
    return FrontRoutes.authProtocol(clusterName);
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
   * The CA of the proxy's web certificate (valid for {@code localhost} and 127.0.0.1): the web API,
   * the outer TLS of a connection upgrade, and {@code teleport-reversetunnel} straight on the
   * front. Inside an upgrade the reverse tunnel shows a host certificate from {@link
   * #hostCaCertificate()}.
   */
  public X509Certificate webCaCertificate() {
    return authorities.webCa().certificate();
  }

  /** The ALPN protocol of the reverse tunnel (SSH inside TLS) on the front. */
  public static String reverseTunnelAlpnProtocol() {
    return FrontRoutes.REVERSE_TUNNEL;
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
    return faults;
  }

  /** Switches the bulk export methods on or off (off: they answer UNIMPLEMENTED). */
  public void bulkExport(boolean enabled) {
    bulkExport.set(enabled);
  }

  /** Locks received by {@code UpsertLock}, in order. */
  public List<LockV2> locks() {
    return authService.locks();
  }

  /** Server streams started and not yet completed, failed or cancelled. */
  public int openStreams() {
    return streams.open();
  }

  /** Messages sent on all server streams so far. */
  public long streamedMessages() {
    return streams.messages();
  }

  /** The client certificate of each Auth connection, in connection order. */
  public List<SeenCertificate> seenClientCertificates() {
    return connections.certificates();
  }

  /** Calls received (the most recent 10,000), in order. */
  public List<ReceivedCall> receivedCalls() {
    return calls.calls();
  }

  /** The {@code version} header of each call received (null where it was absent). */
  public List<String> versionHeaders() {
    return calls.calls().stream().map(ReceivedCall::versionHeader).toList();
  }

  /** Calls refused for their {@code version} header (see {@link Builder#rejectOldClients}). */
  public long refusedOldClientCalls() {
    return versionGate.refused();
  }

  /** Connection upgrades of {@code type} the proxy switched to (answered 101) so far. */
  public long connectionUpgrades(UpgradeType type) {
    return upgradeStats.upgrades(type);
  }

  /** Requests to {@code /webapi/connectionupgrade} answered with an HTTP error (400, 404, 405). */
  public long refusedConnectionUpgrades() {
    return upgradeStats.refusedUpgrades();
  }

  /** Pings the proxy sent on {@code alpn-ping} upgrades (WebSocket and legacy). */
  public long upgradePingsSent() {
    return upgradeStats.pingsSent().get();
  }

  /** WebSocket pongs the proxy received on upgraded connections. */
  public long upgradePongsReceived() {
    return upgradeStats.pongsReceived();
  }

  /** {@code teleport-reversetunnel} TLS handshakes completed (on the front or inside upgrades). */
  public long reverseTunnelConnections() {
    return upgradeStats.reverseTunnels();
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
    return timeline.append(count, clock.millis()).firstIndex();
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
    return timeline.count();
  }

  public EventUnstructured auditEvent(long index) {
    Objects.checkIndex(index, timeline.count());
    return WireEvent.decoded(auditEvents.event(index));
  }

  /** Every audit event in order, made lazily (safe for millions). */
  public Stream<EventUnstructured> expectedAuditEvents() {
    return LongStream.range(0, timeline.count())
        .mapToObj(index -> WireEvent.decoded(auditEvents.event(index)));
  }

  /** The session ids of all {@code session.upload} events, in order. */
  public List<String> sessionIds() {
    List<String> ids = new ArrayList<>();
    long count = timeline.count();
    for (long i = 0; i < count; i++) {
      if (auditEvents.kindOf(i) == EventKind.SESSION_UPLOAD) {
        ids.add(auditEvents.sessionIdOf(i));
      }
    }
    return ids;
  }

  /**
   * The events of the recording of {@code sessionId}, ignoring the "missing recording" fault; empty
   * when the cluster has no such session.
   */
  public List<EventUnstructured> expectedSessionEvents(String sessionId) {
    Optional<SessionRecordings.Recording> recording = recordings.lookup(sessionId);
    List<EventUnstructured> events = new ArrayList<>();
    if (recording.isPresent()) {
      Iterator<EventUnstructured> iterator = recordings.events(recording.get(), 0);
      iterator.forEachRemaining(event -> events.add(WireEvent.decoded(event)));
    }
    return events;
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

  /** Settings of a simulated cluster; every one has a default. */
  public static final class Builder {
    private long seed = 1;
    private String clusterName = DEFAULT_CLUSTER_NAME;
    private String serverVersion = DEFAULT_SERVER_VERSION;
    private long events = 10_000;
    private Instant from;
    private Instant to;
    private double sessionShare = 0.02;
    private double failedLoginShare = 0.05;
    private List<String> users = List.of("alice", "bob", "carol", "dave", "erin");
    private int minRecording = 20;
    private int maxRecording = 200;
    private boolean bulkExport = true;
    private int chunkSize = 1_000;
    private boolean webApi = true;
    private boolean tlsRouting = true;
    private String tunnelPublicAddress;
    private boolean connectionUpgrade = true;
    private Duration upgradePingInterval = DEFAULT_UPGRADE_PING_INTERVAL;
    private boolean rejectOldClients;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** Everything generated (events, sessions, chunk names) follows from the seed. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder clusterName(String clusterName) {
      if (clusterName == null || clusterName.isBlank()) {
        throw new IllegalArgumentException("the cluster name must not be empty");
      }
      this.clusterName = clusterName;
      return this;
    }

    /** What {@code Ping} reports; default {@value SimulatedCluster#DEFAULT_SERVER_VERSION}. */
    public Builder serverVersion(String serverVersion) {
      this.serverVersion = serverVersion;
      return this;
    }

    /** How many audit events exist from the start (default 10,000). */
    public Builder events(long events) {
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
    public Builder timeRange(Instant from, Instant to) {
      if (to.isBefore(from)) {
        throw new IllegalArgumentException("the time range ends before it starts");
      }
      this.from = from.truncatedTo(ChronoUnit.MILLIS);
      this.to = to.truncatedTo(ChronoUnit.MILLIS);
      return this;
    }

    /** Share of events that are {@code session.upload} (each has a recording); default 0.02. */
    public Builder sessionShare(double share) {
      this.sessionShare = share(share);
      return this;
    }

    /** Share of events that are failed {@code user.login}; default 0.05. */
    public Builder failedLoginShare(double share) {
      this.failedLoginShare = share(share);
      return this;
    }

    /** The users events name (so failed logins repeat per user). */
    public Builder users(List<String> users) {
      if (users.isEmpty()) {
        throw new IllegalArgumentException("at least one user is needed");
      }
      this.users = List.copyOf(users);
      return this;
    }

    /** Each recording has between {@code min} and {@code max} events (default 20..200). */
    public Builder recordingLength(int min, int max) {
      if (min < 2 || max < min) {
        throw new IllegalArgumentException(
            "recording length must be a range of at least 2 events: " + min + ".." + max);
      }
      this.minRecording = min;
      this.maxRecording = max;
      return this;
    }

    /** Whether the bulk export methods exist (default true; false answers UNIMPLEMENTED). */
    public Builder bulkExport(boolean enabled) {
      this.bulkExport = enabled;
      return this;
    }

    /** Events per bulk export chunk at most (default 1,000). */
    public Builder chunkSize(int chunkSize) {
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
    public Builder webApi(boolean enabled) {
      this.webApi = enabled;
      return this;
    }

    /**
     * What {@code /webapi/find} reports as {@code proxy.tls_routing_enabled} (default true). Off,
     * the SSH and tunnel addresses are those of a proxy with separate ports. The front routes
     * {@code teleport-auth@...} either way.
     */
    public Builder tlsRouting(boolean enabled) {
      this.tlsRouting = enabled;
      return this;
    }

    /**
     * The {@code host:port} that {@code /webapi/find} reports as the tunnel address when TLS
     * routing is off (default: the web host with port 3024).
     */
    public Builder tunnelPublicAddress(String hostPort) {
      if (hostPort != null && !hostPort.contains(":")) {
        throw new IllegalArgumentException("the tunnel address needs host:port: " + hostPort);
      }
      this.tunnelPublicAddress = hostPort;
      return this;
    }

    /**
     * Whether {@code /webapi/connectionupgrade} exists (default true); off, it answers 404 like a
     * proxy that refuses upgrades.
     */
    public Builder connectionUpgrade(boolean enabled) {
      this.connectionUpgrade = enabled;
      return this;
    }

    /** How often {@code alpn-ping} upgrades get a ping (default 30 s; make it short in tests). */
    public Builder upgradePingInterval(Duration interval) {
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("the ping interval must be positive: " + interval);
      }
      this.upgradePingInterval = interval;
      return this;
    }

    /**
     * Refuse calls from clients older than {@code <server major - 1>.0.0} (or whose {@code version}
     * header is not semver), as {@code TELEPORT_UNSTABLE_REJECT_OLD_CLIENTS=yes} does: the call
     * fails with PERMISSION_DENIED and the connection is closed. Default false.
     */
    public Builder rejectOldClients(boolean enabled) {
      this.rejectOldClients = enabled;
      return this;
    }

    /** The clock for default time ranges, live events and certificate validity. */
    public Builder clock(Clock clock) {
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

    private static double share(double share) {
      if (!(share >= 0 && share <= 1)) {
        throw new IllegalArgumentException("a share must be between 0 and 1: " + share);
      }
      return share;
    }
  }
}
