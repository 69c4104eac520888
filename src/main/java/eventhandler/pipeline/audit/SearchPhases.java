package eventhandler.pipeline.audit;

import eventhandler.logging.WarningThrottle;
import eventhandler.pipeline.ExportMetrics;
import eventhandler.pipeline.PipelineConfig;
import eventhandler.pipeline.delivery.Checkpointer;
import eventhandler.retry.Backoff;
import eventhandler.state.StateStore;
import eventhandler.teleport.TeleportClient;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.LoggerFactory;

/**
 * The search export in its two phases: while the saved position is well behind now, the parallel
 * catch-up ({@link SearchCatchUp}) reads the backlog up to a minute ago, as often as it takes to
 * come that close; then one reader ({@link SearchExport}) follows, polling every {@code --timeout}
 * as the Go plugin does.
 */
public final class SearchPhases implements AuditExport {
  /** The catch-up stops this far behind now: the newest events are left to the one reader. */
  static final Duration TAIL = Duration.ofMinutes(1);

  /**
   * The one reader steps aside for the catch-up when the events it reads are this old (after a
   * Teleport outage, say): ten times the tail, so it does not swing between the two.
   */
  public static final Duration BEHIND_AGAIN = TAIL.multipliedBy(10);

  private static final Duration THROTTLE = Duration.ofSeconds(30);

  private final SearchCatchUp catchUp;
  private final Function<SearchPosition, SearchExport> follower;
  private final Clock clock;
  private SearchPosition from;

  /**
   * @param catchUp null to read with one reader only ({@code --audit-read-concurrency=1})
   * @param follower the one reader from a position (it tracks its own lane, and steps aside when
   *     behind if there is a catch-up)
   */
  SearchPhases(
      SearchCatchUp catchUp,
      Function<SearchPosition, SearchExport> follower,
      Clock clock,
      SearchPosition from) {
    this.catchUp = catchUp;
    this.follower = follower;
    this.clock = clock;
    this.from = from;
  }

  /**
   * The search export reading {@code readers} windows at once while behind (one: as the Go plugin),
   * each window into a lane of {@code lanes}, tracked by {@code checkpointer}.
   */
  public static SearchPhases of(
      TeleportClient client,
      AuditEventHandler handler,
      StateStore state,
      ExportMetrics metrics,
      Clock clock,
      Checkpointer checkpointer,
      AuditLanes lanes,
      PipelineConfig config,
      Backoff backoff,
      SearchPosition from,
      Function<SearchPosition, SearchExport> follower) {
    SearchCatchUp catchUp = null;
    if (config.readConcurrency() > 1) {
      WindowRead reader =
          new WindowRead(
              client,
              handler,
              metrics,
              config.types(),
              config.pageSize(),
              backoff::delays,
              new WarningThrottle(LoggerFactory.getLogger(SearchCatchUp.class), clock, THROTTLE));
      catchUp =
          new SearchCatchUp(
              new SearchCatchUp.Parts(
                  reader,
                  state,
                  metrics,
                  lanes::lane,
                  checkpointer,
                  config.readConcurrency(),
                  config.windowSize(),
                  config.pageSize(),
                  config.types()));
    }
    return new SearchPhases(catchUp, follower, clock, from);
  }

  @Override
  public String mode() {
    return "search";
  }

  @Override
  public String resumePoint() {
    return "resuming in the window from "
        + from.windowStart()
        + (from.lastId().isEmpty() ? "" : " after event " + from.lastId());
  }

  @Override
  public void run() throws InterruptedException, IOException {
    while (true) {
      while (catchUp != null
          && from.windowStart().isBefore(clock.instant().minus(TAIL.plus(TAIL)))) {
        Instant reached = catchUp.run(from, clock.instant().minus(TAIL));
        from = new SearchPosition(reached, "", "");
      }
      SearchExport one = follower.apply(from);
      one.run();
      Optional<Instant> aside = one.steppedAsideAt();
      if (aside.isEmpty()) {
        return;
      }
      // Events at that very time may be sent again (duplicates at most), none before it skipped.
      from = new SearchPosition(aside.get(), "", "");
    }
  }
}
