package eventhandler.startup;

import eventhandler.logging.Counted;
import eventhandler.pipeline.EventFilter;
import eventhandler.pipeline.ExportMetrics;
import eventhandler.pipeline.ExportTimings;
import eventhandler.pipeline.FailedLoginObserver;
import eventhandler.pipeline.Interrupts;
import eventhandler.pipeline.PipelineConfig;
import eventhandler.pipeline.StartTimeConflictException;
import eventhandler.pipeline.audit.AuditEventHandler;
import eventhandler.pipeline.audit.AuditExport;
import eventhandler.pipeline.audit.BulkExport;
import eventhandler.pipeline.audit.SearchExport;
import eventhandler.pipeline.audit.SearchPager;
import eventhandler.pipeline.audit.SearchPosition;
import eventhandler.pipeline.audit.StallCheck;
import eventhandler.pipeline.delivery.Checkpointer;
import eventhandler.pipeline.delivery.DeliveredBatch;
import eventhandler.pipeline.delivery.DeliveryLane;
import eventhandler.pipeline.delivery.InFlightBatches;
import eventhandler.pipeline.session.SessionJob;
import eventhandler.pipeline.session.SessionScheduler;
import eventhandler.retry.Backoff;
import eventhandler.sink.DeadLetterFile;
import eventhandler.sink.EventSink;
import eventhandler.state.StateStore;
import eventhandler.teleport.TeleportClient;
import eventhandler.teleport.TeleportException;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
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
  private static final Duration PROBE_RETRY = Duration.ofSeconds(5);

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
        Executors.newScheduledThreadPool(
            2,
            runnable -> {
              Thread thread = new Thread(runnable, "export-scheduler");
              thread.setDaemon(true);
              return thread;
            });
    Checkpointer checkpointer = new Checkpointer(scheduler, CHECKPOINT_INTERVAL, clock);
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
            this::sessionLane,
            checkpointer,
            scheduler,
            config.concurrency(),
            timings,
            random);
    AuditEventHandler handler =
        new AuditEventHandler(filter, startTime, sessions, failedLogins, deadLetters, metrics);
    ProgressLog progress = new ProgressLog(metrics, inFlight::count, clock);
    try {
      checkpointer.start();
      sessions.start();
      scheduler.scheduleAtFixedRate(progress::log, 1, 1, TimeUnit.MINUTES);
      AuditExport audit = chooseAuditExport(handler, checkpointer, startTime);
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
            "done: {} audit events and {} session events exported",
            metrics.auditExported(),
            metrics.sessionEventsExported());
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

  /**
   * Bulk export when the cluster answers {@code GetEventExportChunks} (or it was used before),
   * search paging when the cluster does not implement it.
   */
  private AuditExport chooseAuditExport(
      AuditEventHandler handler, Checkpointer checkpointer, Instant startTime)
      throws InterruptedException, IOException {
    Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(90), random::nextLong);
    Optional<Instant> legacyWindow = state.windowTime();
    boolean bulk = !state.dates().isEmpty() || probeBulkExport();
    if (bulk) {
      Instant from = legacyWindow.orElse(startTime);
      LocalDate startDate = LocalDate.ofInstant(from, ZoneOffset.UTC);
      if (state.dates().isEmpty()) {
        // As the Go plugin: bulk export continues from the day the search export had reached.
        state.addDate(startDate);
      }
      int chunkConcurrency = Math.max(config.concurrency() / 4, 3);
      int perChunkInFlight = Math.max(1, config.fluentdMaxConnections() / chunkConcurrency);
      return new BulkExport(
          client,
          handler,
          state,
          metrics,
          clock,
          config.pollInterval(),
          config.exitOnLastEvent(),
          chunkConcurrency,
          startDate,
          initial -> lane(config.fluentdUrl(), perChunkInFlight, initial, this::auditDelivered),
          checkpointer,
          backoff);
    }
    SearchPosition resume =
        new SearchPosition(legacyWindow.orElse(startTime), state.cursor(), state.lastId());
    DeliveryLane<SearchPosition> lane =
        lane(
            config.fluentdUrl(),
            Math.max(2, config.fluentdMaxConnections()),
            resume,
            this::auditDelivered);
    SearchExport search =
        new SearchExport(
            new SearchPager(
                client,
                clock,
                config.windowSize(),
                config.pageSize(),
                config.types(),
                resume,
                state.cursorDamaged(),
                state.directory()),
            handler,
            lane,
            metrics,
            clock,
            config.pollInterval(),
            config.exitOnLastEvent(),
            backoff.delays(),
            new StallCheck(client, registry, clock, Duration.ofMinutes(5), config.types()));
    checkpointer.track(lane, position -> state.setLegacyCursor(position.legacyCursor()));
    return search;
  }

  /** Asks the cluster for export chunks of a future day: UNIMPLEMENTED means no bulk export. */
  private boolean probeBulkExport() throws InterruptedException {
    LocalDate probeDate = LocalDate.now(clock.withZone(ZoneOffset.UTC)).plusDays(2);
    while (true) {
      try {
        client.listExportChunks(probeDate);
        return true;
      } catch (TeleportException e) {
        Interrupts.throwIfInterrupted();
        if (e.kind() == TeleportException.Kind.NOT_IMPLEMENTED) {
          LOG.info("the cluster has no bulk export API; using search paging");
          return false;
        }
        LOG.warn(
            "cannot reach Teleport to choose the export mode, retrying in {} s: {}",
            PROBE_RETRY.toSeconds(),
            e.getMessage());
        TimeUnit.MILLISECONDS.sleep(PROBE_RETRY.toMillis());
      }
    }
  }

  private DeliveryLane<Long> sessionLane(SessionJob job) {
    // One batch in flight per session keeps each recording's events in order at Fluentd.
    return lane(config.sessionUrl(job.sessionId()), 1, job.index(), this::sessionDelivered);
  }

  private <P> DeliveryLane<P> lane(
      java.net.URI url,
      int maxInFlight,
      P initial,
      java.util.function.Consumer<DeliveredBatch> onDelivered) {
    return new DeliveryLane<>(
        sink,
        url,
        config.fluentdBatchSize(),
        config.fluentdBatchBytes(),
        maxInFlight,
        initial,
        onDelivered,
        inFlight);
  }

  private void auditDelivered(DeliveredBatch batch) {
    metrics.auditDelivered(batch);
  }

  private void sessionDelivered(DeliveredBatch batch) {
    metrics.sessionDelivered(batch);
  }
}
