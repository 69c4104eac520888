package eventhandler.pipeline;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What the export pipeline needs from the settings, in its own terms, so the pipeline does not
 * depend on how settings are resolved.
 *
 * @param startTime the configured start time, or null to use the stored one (or now, first run)
 * @param pageSize events per search page ({@code --batch})
 * @param pollInterval pause between polls once caught up ({@code --timeout})
 * @param readConcurrency chunks or search windows read at once while behind
 * @param bulkPollInterval caught up, the pause between chunk listings of the bulk export
 */
public record PipelineConfig(
    URI fluentdUrl,
    URI fluentdSessionUrl,
    int pageSize,
    List<String> types,
    List<String> skipEventTypes,
    List<String> skipSessionTypes,
    Instant startTime,
    Duration pollInterval,
    Duration windowSize,
    int concurrency,
    boolean exitOnLastEvent,
    int fluentdBatchSize,
    int fluentdBatchBytes,
    int fluentdMaxConnections,
    int readConcurrency,
    Duration bulkPollInterval) {

  /** The URL a session's events go to: {@code <session-url>.<sid>.log}, as the Go plugin. */
  public URI sessionUrl(String sessionId) {
    return URI.create(fluentdSessionUrl + "." + sessionId + ".log");
  }
}
