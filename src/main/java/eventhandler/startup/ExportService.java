package eventhandler.startup;

import eventhandler.logging.Counted;
import eventhandler.pipeline.DaemonThreads;
import eventhandler.pipeline.EventFilter;
import eventhandler.pipeline.ExportMetrics;
import eventhandler.pipeline.ExportTimings;
import eventhandler.pipeline.FailedLoginObserver;
import eventhandler.pipeline.PipelineConfig;
import eventhandler.pipeline.StartTimeConflictException;
import eventhandler.pipeline.audit.AuditEventHandler;
import eventhandler.pipeline.audit.AuditExport;
import eventhandler.pipeline.delivery.Checkpointer;
import eventhandler.pipeline.delivery.InFlightBatches;
import eventhandler.pipeline.session.SessionScheduler;
import eventhandler.sink.DeadLetterFile;
import eventhandler.sink.EventSink;
import eventhandler.state.StateStore;
import eventhandler.teleport.TeleportClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code start} job: reads every audit event (bulk export when the cluster has it, search
 * paging when it does not) and every recording, delivers them to Fluentd, locks users after too
 * many failed logins, and keeps the delivered position in the storage directory so a restart, a
 * crash or an outage loses nothing.
 */
public final class ExportService {
  private static final Logger LOG = LoggerFactory.getLogger(ExportService.class);
  private static final Duration CHECKPOINT_INTERVAL = Duration.ofMillis(500);

  private final PipelineConfig config;
  private final TeleportClient client;
  private final EventSink sink;
  private final StateStore state;
  private final DeadLetterFile deadLetters;
  private final FailedLoginObserver failedLogins;
  private final ExportMetrics metrics;
  private final MeterRegistry registry;
  private final Clock clock;
  private final ExportTimings timings;
  private final RandomGenerator random = ThreadLocalRandom.current();
  private final InFlightBatches inFlight;

  /** Whether this run continues an export that an earlier run began (a start time was stored). */
  private boolean resumed;

  private volatile Thread runner;
  private volatile boolean stopping;

  /**
   * @param failedLogins the auto-locker, or an observer that ignores logins when locking is off
   * @param timings retry delays and the shutdown grace period
   */
  public ExportService(
      PipelineConfig config,
      TeleportClient client,
      EventSink sink,
      StateStore state,
      DeadLetterFile deadLetters,
      FailedLoginObserver failedLogins,
      MeterRegistry registry,
      ExportMetrics metrics,
      Clock clock,
      ExportTimings timings) {
    this.config = config;
    this.client = client;
    this.sink = sink;
    this.state = state;
    this.deadLetters = deadLetters;
    this.failedLogins = failedLogins;
    this.registry = registry;
    this.metrics = metrics;
    this.inFlight = metrics.inFlight();
    this.clock = clock;
    this.timings = timings;
  }

  public ExportMetrics metrics() {
    return metrics;
  }

  /** Batches handed to Fluentd and not settled yet (for the readiness check). */
  public int batchesInFlight() {
    return inFlight.count();
  }

  /**
   * Since when some batch has been waiting for Fluentd without a break (for the readiness check);
   * empty while none is in flight.
   */
  public Optional<Instant> batchesWaitingSince() {
    return Optional.ofNullable(inFlight.busySince());
  }

  /**
   * Runs the export until {@link #stop()} or, with exit-on-last-event, until everything up to now
   * is delivered. Writes the final checkpoint before it returns.
   */
  public void run() throws InterruptedException, IOException {
    runner = Thread.currentThread();
    if (stopping) {
      return; // stopped before it ran: stop() may have missed this thread
    }
    Instant startTime = resolveStartTime();
    ScheduledExecutorService scheduler =
        Executors.newScheduledThreadPool(2, DaemonThreads.named("export-scheduler"));
    Checkpointer checkpointer = new Checkpointer(scheduler, CHECKPOINT_INTERVAL, clock);
    Lanes lanes = new Lanes(config, sink, metrics);
    EventFilter filter =
        EventFilter.of(config.types(), config.skipEventTypes(), config.skipSessionTypes());
    SessionScheduler sessions =
        new SessionScheduler(
            client,
            state,
            filter,
            metrics,
            deadLetters,
            clock,
            lanes::session,
            checkpointer,
            scheduler,
            config.concurrency(),
            timings,
            random);
    AuditEventHandler handler =
        new AuditEventHandler(filter, startTime, sessions, failedLogins, deadLetters, metrics);
    ProgressLog progress = new ProgressLog(metrics, inFlight::count, clock, deadLetters);
    try {
      checkpointer.start();
      sessions.start();
      scheduler.scheduleAtFixedRate(progress::log, 1, 1, TimeUnit.MINUTES);
      AuditExport audit =
          new AuditExportChoice(config, client, state, metrics, registry, clock, random, lanes)
              .choose(handler, checkpointer, startTime);
      if (resumed) {
        LOG.info(
            "exporting audit events with {}, {} (the export started at {})",
            audit.mode(),
            audit.resumePoint(),
            startTime);
      } else {
        LOG.info("exporting audit events with {} from {}", audit.mode(), startTime);
      }
      audit.run();
      if (config.exitOnLastEvent()) {
        LOG.info("all audit events up to now are delivered; finishing session recordings");
        while (!sessions.idle()) {
          TimeUnit.MILLISECONDS.sleep(100);
        }
        LOG.info(
            "done: {} audit events and {} session events exported{}",
            metrics.auditExported(),
            metrics.sessionEventsExported(),
            deadLetters.appended() == 0
                ? "; no dead letters this run"
                : ProgressLog.deadLetterNote(deadLetters)
                    + " (see 'teleport-event-handler dead-letters list')");
      }
    } catch (InterruptedException e) {
      if (!stopping) {
        throw e;
      }
    } finally {
      Thread.interrupted(); // clear a stop request's interrupt so the shutdown can wait
      shutDown(sessions, checkpointer, scheduler);
      progress.log();
    }
  }

  /** Asks {@link #run()} to stop reading, settle in-flight batches and save the position. */
  public void stop() {
    stopping = true;
    Thread thread = runner;
    if (thread != null) {
      thread.interrupt();
    }
  }

  private void shutDown(
      SessionScheduler sessions, Checkpointer checkpointer, ScheduledExecutorService scheduler) {
    sessions.close();
    try {
      if (!inFlight.awaitNone(timings.shutdownGrace())) {
        LOG.warn(
            "{} still in flight after {} s; they will be sent again on the next start",
            Counted.of(inFlight.count(), "batch was", "batches were"),
            timings.shutdownGrace().toSeconds());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    checkpointer.close();
    scheduler.shutdownNow();
  }

  private Instant resolveStartTime() throws IOException {
    Optional<Instant> stored = state.startTime();
    Instant configured =
        config.startTime() == null ? null : config.startTime().truncatedTo(ChronoUnit.SECONDS);
    resumed = stored.isPresent();
    if (stored.isPresent()) {
      if (configured != null && !configured.equals(stored.get())) {
        throw StartTimeConflictException.of(configured, stored.get(), state.directory());
      }
      return stored.get();
    }
    Instant start =
        configured != null ? configured : clock.instant().truncatedTo(ChronoUnit.SECONDS);
    state.setStartTime(start);
    return start;
  }
}
