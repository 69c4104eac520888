package eventhandler.pipeline;

import java.time.Duration;

/**
 * How long the export waits before it tries things again. The defaults follow the Go plugin; tests
 * shorten them so retries happen within seconds.
 *
 * @param missingRecordingFirstRetry first retry of recordings not found, after the start
 * @param missingRecordingRetryEvery later retries of recordings not found (with jitter)
 * @param sessionStreamRetry first delay after a failed recording stream (it doubles up to 1 min)
 * @param shutdownGrace how long in-flight batches may take to settle after a stop request
 */
public record ExportTimings(
    Duration missingRecordingFirstRetry,
    Duration missingRecordingRetryEvery,
    Duration sessionStreamRetry,
    Duration shutdownGrace) {
  public static final ExportTimings DEFAULT =
      new ExportTimings(
          Duration.ofMinutes(1),
          Duration.ofMinutes(3),
          Duration.ofSeconds(3),
          Duration.ofSeconds(10));
}
