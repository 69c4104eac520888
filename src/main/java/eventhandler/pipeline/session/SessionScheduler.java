package eventhandler.pipeline.session;

import eventhandler.logging.Counted;
import eventhandler.logging.WarningThrottle;
import eventhandler.pipeline.EventFilter;
import eventhandler.pipeline.ExportMetrics;
import eventhandler.pipeline.ExportTimings;
import eventhandler.pipeline.SessionRegistry;
import eventhandler.pipeline.delivery.Checkpointer;
import eventhandler.pipeline.delivery.DeliveryLane;
import eventhandler.retry.Backoff;
import eventhandler.sink.DeadLetterFile;
import eventhandler.state.MissingRecording;
import eventhandler.state.StateStore;
import eventhandler.teleport.TeleportClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports session recordings. {@code session.upload} events register sessions (persisted before
 * they are queued); a bounded queue of 16 x concurrency pushes back on the audit flow when the
 * workers fall behind; {@code concurrency} workers stream recordings. Unfinished sessions resume at
 * start from their saved index. Recordings not found yet are retried in the background ({@link
 * RecordingOutcomes}).
 */
public final class SessionScheduler implements SessionRegistry, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SessionScheduler.class);

  private final TeleportClient client;
  private final StateStore state;
  private final EventFilter filter;
  private final ExportMetrics metrics;
  private final DeadLetterFile deadLetters;
  private final Clock clock;
  private final Function<SessionJob, DeliveryLane<Long>> lanes;
  private final Checkpointer checkpointer;
  private final ScheduledExecutorService scheduler;
  private final int concurrency;
  private final ExportTimings timings;
  private final RandomGenerator random;
  private final BlockingQueue<SessionJob> queue;
  private final Set<String> known = ConcurrentHashMap.newKeySet();

  /**
   * Sessions the state held at start. The last run may have stopped before their upload events were
   * delivered, so this run can read those again, even after the recording is exported: the state's
   * entry, not the event, drives them for the whole run.
   */
  private final Set<String> inStateAtStart = ConcurrentHashMap.newKeySet();

  /** Jobs queued or being exported; counted before they are queued so idle() cannot miss one. */
  private final AtomicInteger outstanding = new AtomicInteger();

  private final WarningThrottle errors;
  private final RecordingOutcomes outcomes;
  private final List<Thread> workers = new ArrayList<>();

  /** Set by close: a worker whose interrupt was swallowed must still not start another job. */
  private volatile boolean closed;

  public SessionScheduler(
      TeleportClient client,
      StateStore state,
      EventFilter filter,
      ExportMetrics metrics,
      DeadLetterFile deadLetters,
      Clock clock,
      Function<SessionJob, DeliveryLane<Long>> lanes,
      Checkpointer checkpointer,
      ScheduledExecutorService scheduler,
      int concurrency,
      ExportTimings timings,
      RandomGenerator random) {
    this.client = client;
    this.state = state;
    this.filter = filter;
    this.metrics = metrics;
    this.deadLetters = deadLetters;
    this.clock = clock;
    this.lanes = lanes;
    this.checkpointer = checkpointer;
    this.scheduler = scheduler;
    this.concurrency = concurrency;
    this.timings = timings;
    this.random = random;
    this.queue = new ArrayBlockingQueue<>(16 * concurrency);
    this.errors = new WarningThrottle(LOG, clock, Duration.ofSeconds(30));
    this.outcomes = new RecordingOutcomes(state, deadLetters, metrics, clock);
  }

  /** Starts the workers, re-queues unfinished sessions and schedules missing-recording retries. */
  public void start() throws IOException {
    for (int i = 0; i < concurrency; i++) {
      Thread worker = new Thread(this::work, "session-export-" + (i + 1));
      worker.setDaemon(true);
      workers.add(worker);
      worker.start();
    }
    Map<String, Long> unfinished = state.sessions();
    inStateAtStart.addAll(unfinished.keySet());
    inStateAtStart.addAll(state.missingRecordings().keySet());
    if (!unfinished.isEmpty()) {
      LOG.info(
          "resuming {}",
          Counted.of(
              unfinished.size(), "unfinished session recording", "unfinished session recordings"));
      List<SessionJob> resumed = new ArrayList<>();
      for (var entry : unfinished.entrySet()) {
        if (known.add(entry.getKey())) {
          outstanding.incrementAndGet();
          resumed.add(new SessionJob(entry.getKey(), entry.getValue(), clock.instant(), 0));
        }
      }
      Thread resumer =
          new Thread(
              () -> {
                try {
                  for (SessionJob job : resumed) {
                    queue.put(job);
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "session-resume");
      resumer.setDaemon(true);
      resumer.start();
    }
    scheduler.schedule(
        this::retryMissingRecordings,
        timings.missingRecordingFirstRetry().toMillis(),
        TimeUnit.MILLISECONDS);
  }

  @Override
  public void register(String sessionId, Instant uploadTime) throws InterruptedException {
    if (inStateAtStart.contains(sessionId) || !known.add(sessionId)) {
      return; // already queued or being exported (e.g. the upload event was read twice)
    }
    try {
      // One file checked: listing every session here made each upload cost O(sessions).
      if (!state.hasSession(sessionId)) {
        state.setSessionIndex(sessionId, 0);
      }
    } catch (IOException e) {
      known.remove(sessionId);
      throw new UncheckedIOException(
          "cannot save session " + sessionId + " to the state: " + e.getMessage(), e);
    }
    outstanding.incrementAndGet();
    SessionJob job = new SessionJob(sessionId, 0, uploadTime, 0);
    if (!queue.offer(job)) {
      errors.warn(
          "queue-full",
          queue.size()
              + " recordings are waiting for export; reading audit events pauses until one"
              + " finishes (raise --concurrency to export more recordings at once)");
      try {
        queue.put(job);
      } catch (InterruptedException e) {
        outstanding.decrementAndGet(); // saved in the state: the next start resumes it
        throw e;
      }
    }
  }

  /**
   * True when no recording is queued or being exported. Recordings waiting for a missing-recording
   * retry do not count: they may take hours.
   */
  public boolean idle() {
    return outstanding.get() == 0;
  }

  private void work() {
    try {
      while (!closed && !Thread.currentThread().isInterrupted()) {
        SessionJob job = queue.take();
        if (closed) {
          outstanding.decrementAndGet(); // still in the state: the next start resumes it
          return;
        }
        try {
          export(job);
        } catch (IOException | RuntimeException e) {
          errors.warn(
              "session", "exporting session " + job.sessionId() + " stopped: " + e.getMessage());
        } finally {
          outstanding.decrementAndGet();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void export(SessionJob job) throws InterruptedException, IOException {
    metrics.sessionStarted();
    DeliveryLane<Long> lane = lanes.apply(job);
    SessionExport export =
        new SessionExport(
            client,
            filter,
            metrics,
            job,
            lane,
            new Backoff(timings.sessionStreamRetry(), Duration.ofMinutes(1), random::nextLong)
                .delays(),
            errors,
            deadLetters,
            job.notFoundAttempts() > 0
                ? state.missingRecordingFile(job.sessionId())
                : state.sessionFile(job.sessionId()));
    Checkpointer.Tracking tracking =
        checkpointer.track(lane, index -> state.setSessionIndex(job.sessionId(), index));
    // Interrupted (a stop), the export stays with the checkpointer: its batch in flight settles
    // during the shutdown, and the final checkpoint, written after that, must include it.
    SessionExport.Outcome outcome = export.run();
    tracking.stop();
    switch (outcome) {
      case FINISHED -> outcomes.finished(job);
      case NOT_FOUND -> outcomes.notFound(job);
      case FAILED -> outcomes.failed(job, export.failure(), export.deliveredUpTo());
    }
    known.remove(job.sessionId());
  }

  private void retryMissingRecordings() {
    try {
      int budget = 2 * concurrency;
      for (var entry : state.missingRecordings().entrySet()) {
        if (budget-- == 0) {
          break;
        }
        String sid = entry.getKey();
        MissingRecording missing = entry.getValue();
        if (!known.add(sid)) {
          continue;
        }
        outstanding.incrementAndGet();
        if (!queue.offer(
            new SessionJob(sid, missing.index(), missing.uploadTime(), missing.attempt()))) {
          outstanding.decrementAndGet();
          known.remove(sid);
        }
      }
    } catch (IOException | RuntimeException e) {
      errors.warn("missing", "retrying missing recordings failed: " + e.getMessage());
    } finally {
      // About every few minutes, with jitter so restarts do not line up.
      long base = timings.missingRecordingRetryEvery().toMillis();
      long delay = base - base / 7 + random.nextLong(Math.max(1, base / 7 * 2));
      if (!scheduler.isShutdown()) {
        scheduler.schedule(this::retryMissingRecordings, delay, TimeUnit.MILLISECONDS);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    workers.forEach(Thread::interrupt);
    for (Thread worker : workers) {
      try {
        worker.join(TimeUnit.SECONDS.toMillis(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
