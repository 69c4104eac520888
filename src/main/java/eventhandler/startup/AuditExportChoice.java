package eventhandler.startup;

import eventhandler.pipeline.ExportMetrics;
import eventhandler.pipeline.Interrupts;
import eventhandler.pipeline.PipelineConfig;
import eventhandler.pipeline.audit.AuditEventHandler;
import eventhandler.pipeline.audit.AuditExport;
import eventhandler.pipeline.audit.AuditLanes;
import eventhandler.pipeline.audit.BulkExport;
import eventhandler.pipeline.audit.SearchExport;
import eventhandler.pipeline.audit.SearchPager;
import eventhandler.pipeline.audit.SearchPhases;
import eventhandler.pipeline.audit.SearchPosition;
import eventhandler.pipeline.audit.StallCheck;
import eventhandler.pipeline.delivery.Checkpointer;
import eventhandler.pipeline.delivery.DeliveryLane;
import eventhandler.retry.Backoff;
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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which audit source the export reads with: bulk export when the cluster answers {@code
 * GetEventExportChunks} (or it was used before), search paging when the cluster does not implement
 * it; made with its lanes and its place in the checkpointer.
 */
record AuditExportChoice(
    PipelineConfig config,
    TeleportClient client,
    StateStore state,
    ExportMetrics metrics,
    MeterRegistry registry,
    Clock clock,
    RandomGenerator random,
    Lanes lanes) {
  /** ExportService's log: the lines keep the logger name they always had. */
  private static final Logger LOG = LoggerFactory.getLogger(ExportService.class);

  private static final Duration PROBE_RETRY = Duration.ofSeconds(5);

  AuditExport choose(AuditEventHandler handler, Checkpointer checkpointer, Instant startTime)
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
      int readers = config.readConcurrency();
      // Twice the readers' lanes may be open (reading, or finishing delivery).
      int perChunkInFlight = Math.max(2, config.fluentdMaxConnections() / readers);
      return new BulkExport(
          client,
          handler,
          state,
          metrics,
          clock,
          config.bulkPollInterval(),
          config.exitOnLastEvent(),
          readers,
          startDate,
          initial -> lanes.audit(perChunkInFlight, initial),
          checkpointer,
          backoff);
    }
    SearchPosition resume =
        new SearchPosition(legacyWindow.orElse(startTime), state.cursor(), state.lastId());
    int perWindowInFlight = Math.max(2, config.fluentdMaxConnections() / config.readConcurrency());
    AuditLanes windowLanes =
        new AuditLanes() {
          @Override
          public <P> DeliveryLane<P> lane(P initial) {
            return lanes.audit(perWindowInFlight, initial);
          }
        };
    return SearchPhases.of(
        client,
        handler,
        state,
        metrics,
        clock,
        checkpointer,
        windowLanes,
        config,
        backoff,
        resume,
        from -> follower(handler, checkpointer, backoff, from, from != resume));
  }

  /** The one reader of the search export, from {@code from}, tracked with the Go files' writer. */
  private SearchExport follower(
      AuditEventHandler handler,
      Checkpointer checkpointer,
      Backoff backoff,
      SearchPosition from,
      boolean afterCatchUp) {
    DeliveryLane<SearchPosition> lane =
        lanes.audit(Math.max(2, config.fluentdMaxConnections()), from);
    SearchExport search =
        new SearchExport(
            new SearchPager(
                client,
                clock,
                config.windowSize(),
                config.pageSize(),
                config.types(),
                from,
                !afterCatchUp && state.cursorDamaged(),
                state.directory()),
            handler,
            lane,
            metrics,
            clock,
            config.pollInterval(),
            config.exitOnLastEvent(),
            backoff.delays(),
            new StallCheck(client, registry, clock, Duration.ofMinutes(5), config.types()));
    Checkpointer.Tracking tracking =
        checkpointer.track(lane, position -> state.setLegacyCursor(position.legacyCursor()));
    if (config.readConcurrency() > 1) {
      search.stepAsideWhenBehind(SearchPhases.BEHIND_AGAIN, tracking);
    }
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
}
