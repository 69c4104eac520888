package eventhandler.bench;

import eventhandler.sim.data.CallLatency;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What {@code bench} runs.
 *
 * @param events audit events in the simulated cluster's history (the backlog)
 * @param warmUpEvents audit events exported from another cluster before the measured run, or 0
 * @param sessionShare share of those events that are {@code session.upload}, each with a recording
 * @param recordingMin fewest events in one recording
 * @param recordingMax most events in one recording
 * @param batchSize {@code --fluentd-batch-size} of {@code start}
 * @param concurrency {@code --concurrency} of {@code start}
 * @param maxConnections {@code --fluentd-max-connections}, or empty for start's default
 * @param duration zero: stop at the last event; otherwise run this long, with live events
 * @param liveRate audit events the cluster adds per second while {@code duration} runs
 * @param reportEvery how often a steady run prints a progress line
 * @param rawBatch records per request of the raw poster
 * @param rawConnections connections of the raw poster, or empty for the pipeline's connections
 * @param rawDuration measured window of the raw poster; zero skips it
 * @param coldStart whether to time a new {@code start} process to its first delivered event
 * @param coldStartJavaOptions JVM options of that process (e.g. a class data sharing archive)
 * @param directory where the files go, or empty for a new temporary directory
 * @param seed seed of the simulated cluster
 * @param fluentd a Fluentd to send to instead of the built-in receiver, if any
 * @param startFlags further flags for {@code start}
 * @param latency what each call of the simulated events API costs
 * @param searchPath whether the cluster lacks the bulk export, so that the search path is measured
 */
public record BenchOptions(
    long events,
    long warmUpEvents,
    double sessionShare,
    int recordingMin,
    int recordingMax,
    int batchSize,
    int concurrency,
    Optional<Integer> maxConnections,
    Duration duration,
    int liveRate,
    Duration reportEvery,
    int rawBatch,
    Optional<Integer> rawConnections,
    Duration rawDuration,
    boolean coldStart,
    List<String> coldStartJavaOptions,
    Optional<Path> directory,
    long seed,
    Optional<ExternalFluentd> fluentd,
    List<String> startFlags,
    CallLatency latency,
    boolean searchPath) {

  /** A Fluentd of the user's: its URLs and the files of the mutual TLS. */
  public record ExternalFluentd(URI url, URI sessionUrl, Path ca, Path cert, Path key) {}

  /** Connections the pipeline uses: the flag, or start's default of twice the concurrency. */
  int pipelineConnections() {
    return maxConnections.orElse(2 * concurrency);
  }

  /** Connections of the raw poster: the flag, or as many as the pipeline uses. */
  int rawPosterConnections() {
    return rawConnections.orElse(pipelineConnections());
  }
}
