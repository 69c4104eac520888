package eventhandler.startup;

import eventhandler.config.ExportSettings;
import eventhandler.config.FluentdSettings;
import eventhandler.config.Settings;
import eventhandler.ops.ExportReadiness;
import eventhandler.ops.Readiness;
import eventhandler.pipeline.DaemonThreads;
import eventhandler.pipeline.ExportMetrics;
import eventhandler.pipeline.ExportTimings;
import eventhandler.pipeline.FailedLoginObserver;
import eventhandler.pipeline.StartTimeConflictException;
import eventhandler.sink.DeadLetterFile;
import eventhandler.sink.DryRunSink;
import eventhandler.sink.EventSink;
import eventhandler.sink.FluentdSink;
import eventhandler.state.CorruptStateException;
import eventhandler.state.StateStore;
import eventhandler.teleport.GrpcTeleportClient;
import eventhandler.teleport.ReloadableCredentials;
import eventhandler.teleport.TeleportConnector;
import eventhandler.teleport.TeleportException;
import eventhandler.tls.NativeTls;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
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
 *
 * <p>Just over 300 lines because {@link #run} is the one place that opens the parts in order and
 * closes them in its {@code finally}; split, the half-opened parts would be handed around.
 */
public final class Launcher {
  private static final Logger LOG = LoggerFactory.getLogger(Launcher.class);

  private final Clock clock;
  private final PrintWriter err;
  private final ExitCodes exit;
  private final Options options;
  private final AtomicReference<ExportService> running = new AtomicReference<>();
  private final AtomicReference<OpsListener> opsListener = new AtomicReference<>();
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
     * The environment the connection to Teleport reads ({@code HTTPS_PROXY}, {@code NO_PROXY},
     * {@code SSL_CERT_FILE}, {@code TELEPORT_TLS_ROUTING_CONN_UPGRADE*}); the process's by default.
     */
    public Options withEnvironment(Map<String, String> environment) {
      return new Options(timings, readinessThresholds, registries, environment);
    }

    /**
     * Meters go to {@code registry}, so that {@code bench} can read them (with the percentiles it
     * configures before the run).
     */
    public Options withRegistry(PrometheusMeterRegistry registry) {
      Objects.requireNonNull(registry, "registry");
      return new Options(timings, readinessThresholds, () -> registry, environment);
    }
  }

  public Launcher(Clock clock, PrintWriter err) {
    this(clock, err, Options.defaults());
  }

  public Launcher(Clock clock, PrintWriter err, Options options) {
    this.clock = clock;
    this.err = err;
    this.exit = new ExitCodes(err);
    this.options = options;
  }

  /** Where {@code /metrics}, {@code /healthz} and {@code /readyz} are served, once they are. */
  public Optional<InetSocketAddress> opsAddress() {
    return Optional.ofNullable(opsListener.get()).map(OpsListener::address);
  }

  /** The running export's figures; empty before it started. */
  public Optional<ExportMetrics> metrics() {
    return Optional.ofNullable(running.get()).map(ExportService::metrics);
  }

  /** Runs the export; returns the exit code. */
  public int run(Settings settings) {
    PrometheusMeterRegistry registry = options.registries().get();
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    ScheduledExecutorService scheduler =
        Executors.newScheduledThreadPool(2, DaemonThreads.named("start-scheduler"));
    ExportSettings export = settings.export();
    Optional<FluentdSettings.ClientCertificate> clientCertificate =
        settings.fluentd().clientCertificate();
    if (clientCertificate.isEmpty() && !export.dryRun()) {
      return exit.userError(
          "Fluentd needs a client certificate: set --fluentd-cert and --fluentd-key"
              + " (configure writes client.crt and client.key)");
    }
    GrpcTeleportClient client = null;
    ReloadableCredentials credentials = null;
    EventSink sink = null;
    DeadLetterFile deadLetters = null;
    OpsListener ops = null;
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
      if (settings.metricsAddress().isPresent()) {
        Readiness connecting =
            Readiness.notReady(List.of("Teleport: connecting to " + settings.teleport().address()));
        try {
          ops = OpsListener.start(settings.metricsAddress().get(), registry, () -> connecting);
        } catch (IOException e) {
          return exit.failure(e.getMessage());
        }
        opsListener.set(ops);
      }
      sink =
          export.dryRun()
              ? new DryRunSink(clock)
              : new FluentdSink(
                  PartOptions.sink(settings.fluentd(), clientCertificate.get()),
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
              PartOptions.credentials(settings.teleport().credentials()), clock, registry);
      AtomicReference<GrpcTeleportClient> lockClient = new AtomicReference<>();
      Gauge.builder(
              "eventhandler.teleport.streams.open",
              lockClient,
              held -> held.get() == null ? 0 : held.get().openStreamCount())
          .description("Server streams from Teleport currently open")
          .register(registry);
      FailedLoginObserver failedLogins =
          AutoLockStart.observer(
              settings.lock(), export.dryRun(), lockClient::get, clock, scheduler, registry);
      client =
          TeleportConnection.open(
              new TeleportConnector(clock, scheduler, registry, options.environment()),
              PartOptions.connect(settings.teleport(), credentials.source()),
              credentials,
              stopRequested);
      if (client == null) {
        return 0; // stopped while waiting for Teleport
      }
      LOG.info("TLS: {}", NativeTls.describe()); // loaded by now: connecting needed it
      GrpcTeleportClient connected = client;
      lockClient.set(connected);
      InstallSignals.onReload(
          () -> LOG.info("SIGHUP: Teleport credentials re-read: {}", connected.reload()));
      ExportService service =
          new ExportService(
              PartOptions.pipeline(settings),
              client,
              sink,
              state,
              deadLetters,
              failedLogins,
              registry,
              metrics,
              clock,
              options.timings());
      running.set(service);
      if (stopRequested.getCount() == 0) {
        return 0;
      }
      if (ops != null) {
        ops.readiness(
            new ExportReadiness(
                service.metrics(),
                service::batchesWaitingSince,
                sink::health,
                clock,
                options.readinessThresholds().apply(export.pollInterval())));
      }
      service.run();
      if (sink instanceof DryRunSink) {
        DryRunSummary.print(
            err,
            service.metrics(),
            export
                .storage()
                .resolve(StateStore.directoryName(settings.teleport().address().toString())),
            state.directory());
      }
      return 0;
    } catch (StartTimeConflictException | CorruptStateException e) {
      return exit.userError(e.getMessage());
    } catch (TeleportException e) {
      return exit.teleport(e);
    } catch (IOException e) {
      return exit.failure("storage: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    } finally {
      if (ops != null) {
        opsListener.set(null);
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

  /** Stops a running export gracefully (SIGTERM, SIGINT, or a test). */
  public void stop() {
    stopRequested.countDown();
    ExportService service = running.get();
    if (service != null) {
      service.stop();
    }
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
