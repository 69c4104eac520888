package eventhandler.pipeline.session;

import eventhandler.pipeline.ExportMetrics;
import eventhandler.sink.DeadLetterFile;
import eventhandler.state.MissingRecording;
import eventhandler.state.StateStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the end of one recording's export leaves behind: its state removed when it is done, a
 * recording not found yet kept for a later retry (as the Go plugin: up to 48 h after the upload, 3
 * attempts), and a dead letter for each recording that is given up.
 */
record RecordingOutcomes(
    StateStore state, DeadLetterFile deadLetters, ExportMetrics metrics, Clock clock) {
  /** SessionScheduler's log: the lines keep the logger name they always had. */
  private static final Logger LOG = LoggerFactory.getLogger(SessionScheduler.class);

  static final Duration GIVE_UP_AFTER = Duration.ofHours(48);
  static final int MAX_NOT_FOUND_ATTEMPTS = 3;

  /** The recording was exported to its end. */
  void finished(SessionJob job) throws IOException {
    state.removeSession(job.sessionId());
    state.removeMissingRecording(job.sessionId());
    metrics.sessionFinished();
  }

  /** The recording kept failing at the same place: given up, with a dead letter. */
  void failed(SessionJob job, String failure, long deliveredUpTo) throws IOException {
    LOG.warn(
        "session {} dropped after repeated errors (recorded in the dead-letter file): {}",
        job.sessionId(),
        failure);
    deadLetters.append(
        "session recording could not be exported: " + failure,
        SessionDeadLetterDetails.of(job.sessionId(), deliveredUpTo),
        (byte[]) null);
    metrics.recordSessionEventFailed(1);
    state.removeSession(job.sessionId());
    state.removeMissingRecording(job.sessionId());
  }

  /** Teleport has no such recording (yet): kept for a retry, or given up with a dead letter. */
  void notFound(SessionJob job) throws IOException {
    metrics.sessionMissing();
    int attempts = job.notFoundAttempts() + 1;
    boolean tooOld = job.uploadTime().plus(GIVE_UP_AFTER).isBefore(clock.instant());
    state.removeSession(job.sessionId());
    if (tooOld || attempts >= MAX_NOT_FOUND_ATTEMPTS) {
      String reason =
          "recording of session "
              + job.sessionId()
              + " was not found after "
              + attempts
              + " attempts"
              + (tooOld ? ", more than 48 h after its upload" : "")
              + "; given up";
      LOG.warn("{} (recorded in the dead-letter file)", reason);
      // The dead letter is the user's record that this recording was never exported.
      deadLetters.append(
          reason,
          SessionDeadLetterDetails.of(
              job.sessionId(), job.index(), "upload_time", job.uploadTime().toString()),
          (byte[]) null);
      state.removeMissingRecording(job.sessionId());
    } else {
      LOG.info(
          "recording of session {} not found yet (attempt {} of {}); will retry later",
          job.sessionId(),
          attempts,
          MAX_NOT_FOUND_ATTEMPTS);
      state.setMissingRecording(
          job.sessionId(), new MissingRecording(job.index(), attempts, job.uploadTime()));
    }
  }
}
