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
 * @param held events kept back because Fluentd refuses them for reasons not proven to be theirs;
 *     {@code null} while none are
 */
public record SinkHealth(
    Instant lastSuccess,
    Instant failingSince,
    long consecutiveFailures,
    String lastError,
    int inFlightRequests,
    int pendingSends,
    Held held) {

  /**
   * Events held since {@code since}: Fluentd's last answer to them and why they are not
   * dead-lettered.
   *
   * @param url where the longest-held events go
   * @param status the HTTP status Fluentd answered
   * @param answer the first line of Fluentd's answer, and its explanation when that is a second
   *     line
   * @param overLimit true when the dead-letter limit, not a missing proof, holds them
   * @param events events held in all
   */
  public record Held(
      String url, int status, String answer, boolean overLimit, Instant since, long events) {

    /** {@code HTTP 400 (400 Bad Request: invalid time format)}. */
    public String describe() {
      return "HTTP " + status + (answer.isEmpty() ? "" : " (" + answer + ")");
    }
  }

  /** True unless the most recent request attempt failed. */
  public boolean healthy() {
    return consecutiveFailures == 0;
  }
}
