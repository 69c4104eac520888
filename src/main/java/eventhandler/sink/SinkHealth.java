package eventhandler.sink;

import java.time.Instant;

/**
 * A snapshot of the sink's state, for readiness checks and status lines.
 *
 * @param lastSuccess when Fluentd last accepted a request; {@code null} if never
 * @param failingSince first failure of the current run of failures; {@code null} when the last
 *     request succeeded (or none failed yet)
 * @param consecutiveFailures failed requests since the last success
 * @param lastError what the last failure was; {@code null} if none since the last success
 * @param inFlightRequests requests written and waiting for their response
 * @param pendingSends {@code send} calls not completed yet
 */
public record SinkHealth(
    Instant lastSuccess,
    Instant failingSince,
    long consecutiveFailures,
    String lastError,
    int inFlightRequests,
    int pendingSends) {

  /** True unless the most recent request attempt failed. */
  public boolean healthy() {
    return consecutiveFailures == 0;
  }
}
