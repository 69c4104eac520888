package eventhandler.pipeline.audit;

import eventhandler.logging.Counted;
import eventhandler.logging.WarningThrottle;
import eventhandler.pipeline.DaemonThreads;
import eventhandler.pipeline.ExportMetrics;
import eventhandler.pipeline.Interrupts;
import eventhandler.pipeline.RetryPause;
import eventhandler.pipeline.delivery.Checkpointer;
import eventhandler.pipeline.delivery.DeliveryLane;
import eventhandler.retry.Backoff;
import eventhandler.retry.RetryDelays;
import eventhandler.state.StateStore;
import eventhandler.teleport.TeleportClient;
import eventhandler.teleport.TeleportException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Audit export through the bulk export API: for each UTC day from the start date, list the day's
 * chunks and export every chunk not completed yet, several at a time. When a past day has no new
 * chunk the export moves to the next day; the two most recent past days stay in a backlog that is
 * polled again for late events, as the Go exporter does. Caught up means today and the backlog have
 * nothing new.
 */
public final class BulkExport implements AuditExport {
  private static final Logger LOG = LoggerFactory.getLogger(BulkExport.class);
  private static final int BACKLOG_DAYS = 2;

  private final TeleportClient client;
  private final AuditEventHandler handler;
  private final StateStore state;
  private final ExportMetrics metrics;
  private final Clock clock;
  private final Duration pollInterval;
  private final boolean exitOnLastEvent;
  private final int chunkConcurrency;
  private final LocalDate startDate;
  private final Function<ChunkPosition, DeliveryLane<ChunkPosition>> lanes;
  private final Checkpointer checkpointer;
  private final Backoff backoff;
  private final WarningThrottle errors;

  public BulkExport(
      TeleportClient client,
      AuditEventHandler handler,
      StateStore state,
      ExportMetrics metrics,
      Clock clock,
      Duration pollInterval,
      boolean exitOnLastEvent,
      int chunkConcurrency,
      LocalDate startDate,
      Function<ChunkPosition, DeliveryLane<ChunkPosition>> lanes,
      Checkpointer checkpointer,
      Backoff backoff) {
    this.client = client;
    this.handler = handler;
    this.state = state;
    this.metrics = metrics;
    this.clock = clock;
    this.pollInterval = pollInterval;
    this.exitOnLastEvent = exitOnLastEvent;
    this.chunkConcurrency = chunkConcurrency;
    this.startDate = startDate;
    this.lanes = lanes;
    this.checkpointer = checkpointer;
    this.backoff = backoff;
    this.errors = new WarningThrottle(LOG, clock, Duration.ofSeconds(30));
  }

  @Override
  public String mode() {
    return "bulk export";
  }

  @Override
  public String resumePoint() {
    try {
      TreeSet<LocalDate> saved = new TreeSet<>(state.dates());
      LocalDate day =
          saved.isEmpty() || saved.last().isBefore(startDate) ? startDate : saved.last();
      return "resuming on "
          + day
          + " (UTC), with "
          + Counted.of(state.completedChunks(day).size(), "chunk", "chunks")
          + " of that day done";
    } catch (IOException e) {
      return "resuming on the saved day, from " + startDate + " (UTC) on";
    }
  }

  @Override
  public void run() throws InterruptedException, IOException {
    ExecutorService pool =
        Executors.newFixedThreadPool(chunkConcurrency, DaemonThreads.named("audit-export-chunk"));
    try {
      TreeSet<LocalDate> backlog = new TreeSet<>();
      LocalDate current = resumeDate(backlog);
      while (true) {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        List<Future<?>> running = new ArrayList<>();
        boolean backlogIdle = true;
        for (LocalDate date : backlog) {
          backlogIdle &= startNewChunks(date, pool, running) == 0;
        }
        boolean currentIdle = startNewChunks(current, pool, running) == 0;
        awaitAll(running);
        metrics.pollSucceeded();
        if (currentIdle && current.isBefore(today)) {
          backlog.add(current);
          while (backlog.size() > BACKLOG_DAYS) {
            backlog.pollFirst();
          }
          current = current.plusDays(1);
          continue;
        }
        metrics.caughtUp(currentIdle && backlogIdle && !current.isBefore(today));
        if (currentIdle && backlogIdle) {
          if (exitOnLastEvent) {
            return;
          }
          TimeUnit.MILLISECONDS.sleep(pollInterval.toMillis());
        }
      }
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  /** The day to continue with; fills {@code backlog} with the saved days just before it. */
  private LocalDate resumeDate(TreeSet<LocalDate> backlog) throws IOException {
    TreeSet<LocalDate> saved = new TreeSet<>(state.dates());
    if (saved.isEmpty() || saved.last().isBefore(startDate)) {
      return startDate;
    }
    LocalDate current = saved.pollLast();
    while (!saved.isEmpty() && backlog.size() < BACKLOG_DAYS) {
      backlog.add(saved.pollLast());
    }
    return current;
  }

  /** Starts an export for each chunk of {@code date} not completed yet; returns how many. */
  private int startNewChunks(LocalDate date, ExecutorService pool, List<Future<?>> running)
      throws InterruptedException, IOException {
    List<String> chunks = listChunks(date);
    Set<String> completed = state.completedChunks(date);
    int started = 0;
    for (String chunk : chunks) {
      if (completed.contains(chunk)) {
        continue;
      }
      String cursor = state.chunkCursors(date).getOrDefault(chunk, "");
      ChunkExport export =
          new ChunkExport(
              client,
              handler,
              state,
              date,
              chunk,
              lanes.apply(new ChunkPosition(cursor)),
              backoff,
              errors,
              checkpointer,
              metrics);
      running.add(
          pool.submit(
              () -> {
                export.run();
                return null;
              }));
      started++;
    }
    return started;
  }

  private List<String> listChunks(LocalDate date) throws InterruptedException {
    RetryDelays delays = backoff.delays();
    while (true) {
      try {
        return client.listExportChunks(date);
      } catch (TeleportException e) {
        Interrupts.throwIfInterrupted();
        metrics.pollFailed();
        RetryPause.warnAndSleep(
            errors,
            "list-chunks",
            "listing export chunks of " + date + " failed, retrying",
            delays.next(),
            e);
      }
    }
  }

  private static void awaitAll(List<Future<?>> running) throws InterruptedException {
    for (Future<?> future : running) {
      try {
        future.get();
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof InterruptedException interrupted) {
          throw interrupted;
        }
        if (cause instanceof IOException io) {
          throw new UncheckedIOException("cannot save the export state: " + io.getMessage(), io);
        }
        throw new IllegalStateException("chunk export failed", cause);
      }
    }
  }
}
