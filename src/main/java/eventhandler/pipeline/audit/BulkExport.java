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
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Audit export through the bulk export API: for each UTC day from the start date, list the day's
 * chunks and export every chunk not completed yet, several at a time. While behind, a past day's
 * chunks are started and the export moves on to the next day at once (up to {@link #BACKLOG_DAYS}
 * days ahead of the oldest day with chunks in flight), so the events backend's time per call is
 * hidden behind other chunks. The two most recent past days stay in a backlog that is polled again
 * for late events, as the Go exporter does. Caught up means today and the backlog have nothing new;
 * then the chunk list is polled every {@code pollInterval} (the Go plugin's 16 s, less up to a
 * seventh at random).
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
  private final int readConcurrency;
  private final LocalDate startDate;
  private final Function<ChunkPosition, DeliveryLane<ChunkPosition>> lanes;
  private final Checkpointer checkpointer;
  private final Backoff backoff;
  private final WarningThrottle errors;
  private final Semaphore reading;
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

  /**
   * @param pollInterval caught up, the pause between listings (less up to a seventh at random)
   * @param readConcurrency chunk streams read at once; as many more chunks may wait for their last
   *     batches to be delivered meanwhile, so reading goes on during delivery
   */
  public BulkExport(
      TeleportClient client,
      AuditEventHandler handler,
      StateStore state,
      ExportMetrics metrics,
      Clock clock,
      Duration pollInterval,
      boolean exitOnLastEvent,
      int readConcurrency,
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
    this.readConcurrency = readConcurrency;
    this.startDate = startDate;
    this.lanes = lanes;
    this.checkpointer = checkpointer;
    this.backoff = backoff;
    this.errors = new WarningThrottle(LOG, clock, Duration.ofSeconds(30));
    this.reading = new Semaphore(readConcurrency);
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
        Executors.newFixedThreadPool(
            2 * readConcurrency, DaemonThreads.named("audit-export-chunk"));
    try {
      TreeMap<LocalDate, List<Future<?>>> pending = new TreeMap<>();
      TreeSet<LocalDate> backlog = new TreeSet<>();
      LocalDate current = resumeDate(backlog);
      while (true) {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        boolean backlogIdle = true;
        for (LocalDate date : backlog) {
          backlogIdle &= startNewChunks(date, pool, pending) == 0;
        }
        boolean currentIdle = startNewChunks(current, pool, pending) == 0;
        metrics.pollSucceeded();
        if (current.isBefore(today)) {
          backlog.add(current);
          while (backlog.size() > BACKLOG_DAYS) {
            backlog.pollFirst();
          }
          current = current.plusDays(1);
          // A restart resumes on the last saved day and the BACKLOG_DAYS before it: no day older
          // than those may still have chunks in flight.
          awaitDaysBefore(pending, current.minusDays(BACKLOG_DAYS));
          state.addDate(current);
          continue;
        }
        awaitDaysBefore(pending, LocalDate.MAX);
        metrics.caughtUp(currentIdle && backlogIdle);
        if (currentIdle && backlogIdle) {
          if (exitOnLastEvent) {
            return;
          }
          TimeUnit.NANOSECONDS.sleep(idlePause(pollInterval, ThreadLocalRandom.current()));
        }
      }
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  /** The Go plugin's "seventh jitter": between six sevenths of {@code interval} and all of it. */
  static long idlePause(Duration interval, RandomGenerator random) {
    long nanos = interval.toNanos();
    return nanos - (long) (random.nextDouble() * (nanos / 7));
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

  /**
   * Starts an export for each chunk of {@code date} neither completed nor in flight; returns how
   * many.
   */
  private int startNewChunks(
      LocalDate date, ExecutorService pool, Map<LocalDate, List<Future<?>>> pending)
      throws InterruptedException, IOException {
    List<String> chunks = listChunks(date);
    Set<String> completed = state.completedChunks(date);
    int started = 0;
    for (String chunk : chunks) {
      String key = date + "/" + chunk;
      if (completed.contains(chunk) || !inFlight.add(key)) {
        continue;
      }
      String cursor = state.chunkCursors(date).getOrDefault(chunk, "");
      Future<?> future =
          pool.submit(
              () -> {
                // The lane is made when the chunk runs: chunks waiting in the queue hold nothing.
                try {
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
                          metrics)
                      .run(reading);
                } finally {
                  inFlight.remove(key);
                }
                return null;
              });
      pending.computeIfAbsent(date, d -> new ArrayList<>()).add(future);
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

  /** Waits for every chunk export of the days before {@code limit}. */
  private static void awaitDaysBefore(TreeMap<LocalDate, List<Future<?>>> pending, LocalDate limit)
      throws InterruptedException {
    while (!pending.isEmpty() && pending.firstKey().isBefore(limit)) {
      for (Future<?> future : pending.pollFirstEntry().getValue()) {
        ReaderFutures.await(future, "chunk export");
      }
    }
  }
}
