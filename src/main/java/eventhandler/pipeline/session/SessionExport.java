package eventhandler.pipeline.session;

import com.google.protobuf.InvalidProtocolBufferException;
import eventhandler.logging.WarningThrottle;
import eventhandler.pipeline.EventFilter;
import eventhandler.pipeline.ExportMetrics;
import eventhandler.pipeline.Interrupts;
import eventhandler.pipeline.RetryPause;
import eventhandler.pipeline.delivery.DeliveryLane;
import eventhandler.retry.RetryDelays;
import eventhandler.sink.DeadLetterFile;
import eventhandler.teleport.EventStream;
import eventhandler.teleport.TeleportClient;
import eventhandler.teleport.TeleportEvent;
import eventhandler.teleport.TeleportException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one recording from its saved index to the end and delivers its events, in order, to
 * {@code <session-url>.<sid>.log}; the lane's delivered index (the one to resume from) is saved by
 * the scheduler's {@code Checkpointer}. A broken stream resumes from the last delivered event:
 * without end while Teleport is unreachable, and up to {@value #ATTEMPTS_WITHOUT_PROGRESS} times in
 * a row without progress for other errors (a damaged recording), after which the recording is
 * reported as failed. A saved index the recording does not reach (a damaged file) is not taken for
 * the end: the recording is exported again from its start.
 */
final class SessionExport {
  private static final Logger LOG = LoggerFactory.getLogger(SessionExport.class);

  /** How the export of a recording ended. */
  enum Outcome {
    FINISHED,
    NOT_FOUND,
    FAILED
  }

  /** Failed streams in a row that delivered nothing new before the recording is given up. */
  static final int ATTEMPTS_WITHOUT_PROGRESS = 3;

  private final TeleportClient client;
  private final EventFilter filter;
  private final ExportMetrics metrics;
  private final SessionJob job;
  private final DeliveryLane<Long> lane;
  private final RetryDelays retryDelays;
  private final WarningThrottle errors;
  private final DeadLetterFile deadLetters;
  private final Path savedIn;
  private String failure = "";

  SessionExport(
      TeleportClient client,
      EventFilter filter,
      ExportMetrics metrics,
      SessionJob job,
      DeliveryLane<Long> lane,
      RetryDelays retryDelays,
      WarningThrottle errors,
      DeadLetterFile deadLetters,
      Path savedIn) {
    this.savedIn = savedIn;
    this.client = client;
    this.filter = filter;
    this.metrics = metrics;
    this.job = job;
    this.lane = lane;
    this.retryDelays = retryDelays;
    this.errors = errors;
    this.deadLetters = deadLetters;
  }

  /** The index up to which the recording was delivered (the next one to export). */
  long deliveredUpTo() {
    return lane.committed();
  }

  /** Why the export failed, when it did. */
  String failure() {
    return failure;
  }

  Outcome run() throws InterruptedException {
    try {
      return export();
    } catch (InterruptedException | RuntimeException e) {
      lane.flushOnStop();
      throw e;
    }
  }

  private Outcome export() throws InterruptedException {
    int failuresWithoutProgress = 0;
    boolean fromStart = false;
    while (true) {
      long from = fromStart && lane.committed() == job.index() ? 0 : lane.committed();
      boolean progressed = false;
      try (EventStream<TeleportEvent> stream =
          client.streamSessionEvents(job.sessionId(), (int) from)) {
        while (stream.hasNext()) {
          TeleportEvent event = stream.next();
          progressed = true;
          long next = event.index() + 1;
          if (!filter.exportsSessionEvent(event.type())) {
            metrics.recordSessionEventSkipped();
            lane.skip(next);
          } else if (!event.hasBody()) {
            deadLetterSessionEvent(
                "session event without a JSON body (unstructured is empty)", event);
            lane.skip(next);
          } else {
            byte[] json;
            try {
              json = event.json();
            } catch (InvalidProtocolBufferException e) {
              deadLetterSessionEvent(
                  "session event whose JSON body (unstructured) is not a valid protobuf Struct: "
                      + e.getMessage(),
                  event);
              lane.skip(next);
              continue;
            }
            lane.add(json, next);
          }
        }
        if (!progressed && !fromStart && from > 0 && from == job.index() && !reaches(from)) {
          fromStart = true;
          warnFromStart("the recording ends before it");
          continue;
        }
      } catch (TeleportException e) {
        Interrupts.throwIfInterrupted();
        if (!progressed
            && !fromStart
            && from > 0
            && from == job.index()
            && e.kind() == TeleportException.Kind.BAD_PARAMETER) {
          fromStart = true;
          warnFromStart("Teleport refuses it: " + e.getMessage());
          continue;
        }
        lane.drain(Duration.ofDays(1));
        if (e.kind() == TeleportException.Kind.CANCELLED
            || Thread.currentThread().isInterrupted()) {
          throw new InterruptedException("stopped while streaming session " + job.sessionId());
        }
        if (e.kind() == TeleportException.Kind.NOT_FOUND) {
          return Outcome.NOT_FOUND;
        }
        if (progressed) {
          failuresWithoutProgress = 0; // a flaky stream that moves on is not a broken recording
          retryDelays.reset(); // a stream that worked for a while is not a failing one
        }
        // An outage is waited out however long it lasts; any other error that keeps coming back
        // at the same place means this recording cannot be read, and it must not hold a worker
        // forever.
        if (!isOutage(e) && ++failuresWithoutProgress >= ATTEMPTS_WITHOUT_PROGRESS) {
          failure = e.getMessage();
          return Outcome.FAILED;
        }
        RetryPause.warnAndSleep(
            errors,
            "session-stream",
            "streaming session "
                + job.sessionId()
                + " failed, resuming from index "
                + lane.committed(),
            retryDelays.next(),
            e);
        continue;
      }
      lane.drainUntilDelivered();
      return Outcome.FINISHED;
    }
  }

  /** Whether the recording has the event just before {@code index}: {@code index} is its end. */
  private boolean reaches(long index) {
    try (EventStream<TeleportEvent> stream =
        client.streamSessionEvents(job.sessionId(), (int) (index - 1))) {
      return stream.hasNext() && stream.next().index() == index - 1;
    }
  }

  private void warnFromStart(String why) {
    LOG.warn(
        "the index {} saved in {} does not fit the recording of session {} ({}); the recording is"
            + " exported again from its start",
        job.index(),
        savedIn,
        job.sessionId(),
        why);
  }

  private void deadLetterSessionEvent(String reason, TeleportEvent event) {
    metrics.recordSessionEventFailed(1);
    appendDeadLetter(
        reason,
        SessionDeadLetterDetails.of(job.sessionId(), event.index(), "type", event.type()),
        null);
  }

  /** Teleport unreachable or rate limiting: it says nothing about the recording itself. */
  private static boolean isOutage(TeleportException e) {
    return e.isRetryable()
        && (e.kind() == TeleportException.Kind.CONNECTION
            || e.kind() == TeleportException.Kind.LIMIT_EXCEEDED);
  }

  private void appendDeadLetter(String reason, Map<String, ?> details, byte[] event) {
    try {
      deadLetters.append(reason, details, event);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot write the dead-letter file", e);
    }
  }
}
