package eventhandler.startup;

import eventhandler.autolock.AutoLocker;
import eventhandler.config.ExportSettings;
import eventhandler.config.FluentdSettings;
import eventhandler.config.HostPort;
import eventhandler.config.LockSettings;
import eventhandler.config.Settings;
import eventhandler.config.TeleportCredentials;
import eventhandler.ops.ExportReadiness;
import eventhandler.ops.OpsServer;
import eventhandler.ops.Readiness;
import eventhandler.pipeline.ExportMetrics;
import eventhandler.pipeline.ExportTimings;
import eventhandler.pipeline.FailedLoginObserver;
import eventhandler.pipeline.PipelineConfig;
import eventhandler.pipeline.StartTimeConflictException;
import eventhandler.retry.Backoff;
import eventhandler.retry.RetryDelays;
import eventhandler.sink.DeadLetterFile;
import eventhandler.sink.DryRunSink;
import eventhandler.sink.EventSink;
import eventhandler.sink.FluentdSink;
import eventhandler.sink.FluentdSinkConfig;
import eventhandler.state.CorruptStateException;
import eventhandler.state.StateStore;
import eventhandler.teleport.CredentialSource;
import eventhandler.teleport.GrpcTeleportClient;
import eventhandler.teleport.ReloadableCredentials;
import eventhandler.teleport.TeleportConnector;
import eventhandler.teleport.TeleportException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires {@code start} from validated settings: storage, Teleport client, Fluentd sink, auto-lock,
 * the operations listener and signals, then runs the {@link ExportService} until it ends.
 *
 * <p>Exit codes: 0 after a clean stop or the last event; 2 for problems the user must fix
 * (credentials, start-time conflict, missing client certificate, a damaged state file with no
 * position to resume from); 1 for other failures.
 */
public final class Launcher {
  private static final Logger LOG = LoggerFactory.getLogger(Launcher.class);
  private static final Duration CONNECT_RETRY_MAX = Duration.ofMinutes(1);

  private final Clock clock;
  private final PrintWriter err;
  private final ExportTimings timings;
  private final Function<Duration, ExportReadiness.Thresholds> readinessThresholds;
  private final Supplier<PrometheusMeterRegistry> registries;
  private final AtomicReference<ExportService> running = new AtomicReference<>();
  private final AtomicReference<OpsServer> opsServer = new AtomicReference<>();
  private final CountDownLatch stopRequested = new CountDownLatch(1);

  /**
   * What a job may take other than the defaults.
   *
   * @param timings retry delays and the shutdown bound (tests shorten them)
   * @param readinessThresholds when {@code /readyz} turns not-ready, from the poll interval ({@code
   *     --timeout})
   * @param registries the meter registry of each run (by default a fresh Prometheus one)
   */
  public record Options(
      ExportTimings timings,
      Function<Duration, ExportReadiness.Thresholds> readinessThresholds,
      Supplier<PrometheusMeterRegistry> registries,
      Map<String, String> environment) {
    public Options {
      Objects.requireNonNull(timings, "timings");
      environment = Map.copyOf(environment);
      Objects.requireNonNull(readinessThresholds, "readinessThresholds");
      Objects.requireNonNull(registries, "registries");
    }

    /** The settings of a real {@code start}. */
    public static Options defaults() {
      return new Options(
          ExportTimings.DEFAULT,
          ExportReadiness.Thresholds::defaults,
          () -> new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
          System.getenv());
    }

    public Options withTimings(ExportTimings timings) {
      return new Options(timings, readinessThresholds, registries, environment);
    }

    public Options withReadinessThresholds(
        Function<Duration, ExportReadiness.Thresholds> readinessThresholds) {
      return new Options(timings, readinessThresholds, registries, environment);
    }

    /**
     * Meters go to {@code registry}, so that {@code bench} can read them (with the percentiles it
     * configures before the run).
     */
    /**
     * The environment the connection to Teleport reads ({@code HTTPS_PROXY}, {@code NO_PROXY},
     * {@code SSL_CERT_FILE}, {@code TELEPORT_TLS_ROUTING_CONN_UPGRADE*}); the process's by default.
     */
    public Options withEnvironment(Map<String, String> environment) {
      return new Options(timings, readinessThresholds, registries, environment);
    }

    public Options withRegistry(PrometheusMeterRegistry registry) {
      Objects.requireNonNull(registry, "registry");
      return new Options(timings, readinessThresholds, () -> registry, environment);
    }
  }

  private final Map<String, String> environment;

  public Launcher(Clock clock, PrintWriter err) {
    this(clock, err, Options.defaults());
  }

  public Launcher(Clock clock, PrintWriter err, Options options) {
    this.clock = clock;
    this.err = err;
    this.timings = options.timings();
    this.readinessThresholds = options.readinessThresholds();
    this.registries = options.registries();
    this.environment = options.environment();
  }

  /** Where {@code /metrics}, {@code /healthz} and {@code /readyz} are served, once they are. */
  public Optional<InetSocketAddress> opsAddress() {
    return Optional.ofNullable(opsServer.get()).map(OpsServer::address);
  }

  /** The running export's figures; empty before it started. */
  public Optional<ExportMetrics> metrics() {
    return Optional.ofNullable(running.get()).map(ExportService::metrics);
  }

  /** Runs the export; returns the exit code. */
  public int run(Settings settings) {
    PrometheusMeterRegistry registry = registries.get();
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    ScheduledExecutorService scheduler =
        Executors.newScheduledThreadPool(
            2,
            runnable -> {
              Thread thread = new Thread(runnable, "start-scheduler");
              thread.setDaemon(true);
              return thread;
            });
    ExportSettings export = settings.export();
    Optional<FluentdSettings.ClientCertificate> clientCertificate =
        settings.fluentd().clientCertificate();
    if (clientCertificate.isEmpty() && !export.dryRun()) {
      return userError(
          "Fluentd needs a client certificate: set --fluentd-cert and --fluentd-key"
              + " (configure writes client.crt and client.key)");
    }
    GrpcTeleportClient client = null;
    ReloadableCredentials credentials = null;
    EventSink sink = null;
    DeadLetterFile deadLetters = null;
    OpsServer ops = null;
    try {
      StateStore state =
          export.dryRun()
              ? StateStore.openDryRun(
                  export.storage(), settings.teleport().address().toString(), new SecureRandom())
              : StateStore.open(export.storage(), settings.teleport().address().toString());
      LOG.info("state directory: {}", state.directory());
      // Before Teleport is reached: a damaged file is repaired or refused before anything is read.
      state.check(export.startTime(), clock);
      deadLetters = new DeadLetterFile(state.directory().resolve("dead-letter.jsonl"), clock);
      InstallSignals.onStop(this::stop);
      // The listener starts before Teleport is reached: /healthz answers, and /readyz says why
      // it is not ready, while the first connection is retried.
      AtomicReference<Supplier<Readiness>> readiness =
          new AtomicReference<>(
              () ->
                  Readiness.notReady(
                      List.of("Teleport: connecting to " + settings.teleport().address())));
      if (settings.metricsAddress().isPresent()) {
        HostPort address = settings.metricsAddress().get();
        try {
          ops = startOpsServer(address, registry, () -> readiness.get().get());
        } catch (IOException e) {
          return failure(
              "cannot serve /metrics on --metrics-addr "
                  + address
                  + ": "
                  + e.getMessage()
                  + " (is another program using that port?)");
        }
      }
      sink =
          export.dryRun()
              ? new DryRunSink(clock)
              : new FluentdSink(
                  sinkConfig(settings.fluentd(), clientCertificate.get()),
                  deadLetters,
                  registry,
                  clock);
      if (sink instanceof FluentdSink fluentd) {
        // The TLS handshake with Fluentd overlaps the connection to Teleport.
        fluentd.connectAhead(settings.fluentd().url());
      }
      // Every series of the export exists from here on, at zero, while Teleport is still being
      // reached: dashboards and absent() alerts see no gap at a restart.
      ExportMetrics metrics = new ExportMetrics(registry, clock);
      // Loaded once (preflight has read them), so their gauge and counters exist from here on.
      credentials =
          new ReloadableCredentials(
              credentialSource(settings.teleport().credentials()), clock, registry);
      AtomicReference<GrpcTeleportClient> lockClient = new AtomicReference<>();
      Gauge.builder(
              "eventhandler.teleport.streams.open",
              lockClient,
              held -> held.get() == null ? 0 : held.get().openStreamCount())
          .description("Server streams from Teleport currently open")
          .register(registry);
      FailedLoginObserver failedLogins =
          failedLoginObserver(settings.lock(), export.dryRun(), lockClient, scheduler, registry);
      client = connect(settings, credentials, scheduler, registry);
      if (client == null) {
        return 0; // stopped while waiting for Teleport
      }
      GrpcTeleportClient connected = client;
      lockClient.set(connected);
      InstallSignals.onReload(
          () -> LOG.info("SIGHUP: Teleport credentials re-read: {}", connected.reload()));
      ExportService service =
          new ExportService(
              pipelineConfig(settings),
              client,
              sink,
              state,
              deadLetters,
              failedLogins,
              registry,
              metrics,
              clock,
              timings);
      running.set(service);
      if (stopRequested.getCount() == 0) {
        return 0;
      }
      EventSink health = sink;
      readiness.set(
          new ExportReadiness(
              service.metrics(),
              service::batchesWaitingSince,
              health::health,
              clock,
              readinessThresholds.apply(export.pollInterval())));
      service.run();
      if (sink instanceof DryRunSink) {
        printDryRunSummary(
            service.metrics(),
            export
                .storage()
                .resolve(StateStore.directoryName(settings.teleport().address().toString())),
            state.directory());
      }
      return 0;
    } catch (StartTimeConflictException | CorruptStateException e) {
      return userError(e.getMessage());
    } catch (TeleportException e) {
      return e.kind() == TeleportException.Kind.CREDENTIALS
              || e.kind() == TeleportException.Kind.BAD_PARAMETER
              || e.kind() == TeleportException.Kind.ACCESS_DENIED
              || e.kind() == TeleportException.Kind.UNAUTHENTICATED
          ? userError(e.getMessage())
          : failure(e.getMessage());
    } catch (IOException e) {
      return failure("storage: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    } finally {
      if (ops != null) {
        opsServer.set(null);
        ops.close();
      }
      if (sink != null) {
        sink.close();
      }
      if (client != null) {
        client.close(); // closes the credentials too
      } else if (credentials != null) {
        credentials.close();
      }
      closeQuietly(deadLetters);
      scheduler.shutdownNow();
    }
  }

  /** What a dry run read and would have sent; it goes to the user, not to the log. */
  private void printDryRunSummary(ExportMetrics metrics, Path realState, Path dryRunState) {
    long auditRead = metrics.auditExported() + metrics.auditSkipped() + metrics.auditDeadLettered();
    long sessionEventsRead =
        metrics.sessionEventsExported()
            + metrics.sessionEventsSkipped()
            + metrics.sessionEventsDeadLettered();
    err.printf(
        "dry run: read %d audit events (%d left out by --types, --skip-event-types or"
            + " --start-time) and %d recordings with %d session events (%d left out by"
            + " --skip-session-types); %d audit events and %d session events would have been sent"
            + " to Fluentd, but nothing was sent and no user was locked.%n"
            + "The export position in %s was not touched; the dry run kept its own in %s.%n",
        auditRead,
        metrics.auditSkipped(),
        metrics.sessionsFinished(),
        sessionEventsRead,
        metrics.sessionEventsSkipped(),
        metrics.auditExported(),
        metrics.sessionEventsExported(),
        realState,
        dryRunState);
    err.flush();
  }

  private OpsServer startOpsServer(
      HostPort address, PrometheusMeterRegistry registry, Supplier<Readiness> readiness)
      throws IOException {
    InetSocketAddress socketAddress =
        address.host().isEmpty()
            ? new InetSocketAddress(address.port())
            : new InetSocketAddress(address.host(), address.port());
    OpsServer ops = new OpsServer(socketAddress, registry, readiness).start();
    opsServer.set(ops);
    LOG.info("serving /metrics, /healthz and /readyz on {}", ops.address());
    return ops;
  }

  /** Stops a running export gracefully (SIGTERM, SIGINT, or a test). */
  public void stop() {
    stopRequested.countDown();
    ExportService service = running.get();
    if (service != null) {
      service.stop();
    }
  }

  /**
   * Connects to Teleport. Problems the user must fix end the program; an unreachable cluster is
   * retried with backoff for as long as it takes, so a Teleport outage at start loses nothing.
   */
  private GrpcTeleportClient connect(
      Settings settings,
      ReloadableCredentials credentials,
      ScheduledExecutorService scheduler,
      PrometheusMeterRegistry registry)
      throws InterruptedException {
    TeleportConnector connector = new TeleportConnector(clock, scheduler, registry, environment);
    var teleport = settings.teleport();
    eventhandler.teleport.ConnectOptions connectSettings =
        eventhandler.teleport.ConnectOptions.of(teleport.address().toString(), credentials.source())
            .withRefresh(teleport.refreshEnabled(), teleport.refreshInterval())
            .withDialTimeout(teleport.dialTimeout())
            .withMaxInboundMessageSize(teleport.maxMessageBytes(), "--teleport-max-message-size");
    RetryDelays retryDelays =
        new Backoff(Duration.ofSeconds(2), CONNECT_RETRY_MAX, new SecureRandom()::nextLong)
            .delays();
    while (stopRequested.getCount() > 0) {
      try {
        // The connector logs which cluster it reached and how.
        return connector.connect(connectSettings, credentials);
      } catch (TeleportException e) {
        if (e.kind() != TeleportException.Kind.CONNECTION) {
          throw e;
        }
        Duration delay = retryDelays.next();
        // A warning: the program goes on trying, and a cluster that comes back is used at once.
        LOG.warn(
            "cannot connect to Teleport (retrying in {} s): {}",
            Math.max(1, delay.toSeconds()),
            e.getMessage());
        if (stopRequested.await(delay.toMillis(), TimeUnit.MILLISECONDS)) {
          break;
        }
      }
    }
    return null;
  }

  private static CredentialSource credentialSource(TeleportCredentials credentials) {
    if (credentials instanceof TeleportCredentials.KeyPairFiles pair) {
      return CredentialSource.keyPair(
          pair.certificate(), pair.privateKey(), pair.certificateAuthorities());
    }
    return CredentialSource.identityFile(((TeleportCredentials.IdentityFile) credentials).path());
  }

  private FailedLoginObserver failedLoginObserver(
      LockSettings lock,
      boolean dryRun,
      AtomicReference<GrpcTeleportClient> client,
      ScheduledExecutorService scheduler,
      PrometheusMeterRegistry registry) {
    if (!lock.enabled() || dryRun) {
      return FailedLoginObserver.NONE;
    }
    // Made before the connection, so its series exist from the start; it writes a lock only
    // after a failed login was read, so only once connected.
    AutoLocker locker =
        new AutoLocker(
            new AutoLocker.Settings(lock.failedAttemptsCount(), lock.period(), lock.lockFor()),
            writtenLock -> client.get().upsertLock(writtenLock),
            clock,
            scheduler,
            registry);
    return (body, time) -> locker.onEvent(FailedLoginObserver.USER_LOGIN, body, time);
  }

  static PipelineConfig pipelineConfig(Settings settings) {
    ExportSettings export = settings.export();
    FluentdSettings fluentd = settings.fluentd();
    return new PipelineConfig(
        fluentd.url(),
        fluentd.sessionUrl(),
        export.batch(),
        export.types(),
        export.skipEventTypes(),
        export.skipSessionTypes(),
        export.startTime().orElse(null),
        export.pollInterval(),
        export.windowSize(),
        export.concurrency(),
        export.exitOnLastEvent(),
        export.dryRun(),
        fluentd.batchSize(),
        fluentd.batchBytes(),
        fluentd.maxConnections());
  }

  private static FluentdSinkConfig sinkConfig(
      FluentdSettings fluentd, FluentdSettings.ClientCertificate certificate) {
    return new FluentdSinkConfig(
        fluentd.caFile().orElse(null),
        certificate.certificate(),
        certificate.privateKey(),
        fluentd.maxConnections(),
        fluentd.batchSize(),
        fluentd.batchBytes(),
        fluentd.requestTimeout(),
        FluentdSinkConfig.DEFAULT_MIN_BACKOFF,
        FluentdSinkConfig.DEFAULT_MAX_BACKOFF);
  }

  private int userError(String message) {
    err.println("error: " + message);
    err.flush();
    return 2;
  }

  private int failure(String message) {
    err.println("error: " + message);
    err.flush();
    return 1;
  }

  private static void closeQuietly(DeadLetterFile deadLetters) {
    if (deadLetters == null) {
      return;
    }
    try {
      deadLetters.close();
    } catch (IOException e) {
      LOG.warn("closing the dead-letter file failed: {}", e.getMessage());
    }
  }
}
