package eventhandler.sink;

import java.time.Duration;

/**
 * How one HTTP request ended: with a response ({@code status > 0}) or with a failure before a
 * complete response.
 *
 * @param retryAfter the wait the response's {@code Retry-After} header asked for, or null
 */
record ExchangeResult(
    int status, String responseBody, Duration retryAfter, Failure failure, Throwable cause) {

  /** Why no response arrived. */
  enum Failure {
    NONE,
    /** The TCP connection could not be made. */
    CONNECT,
    /** The TLS handshake failed (certificate, host name, protocol). */
    TLS,
    /** No response within the request timeout (or connect/handshake timeout). */
    TIMEOUT,
    /** The connection broke while the request was outstanding. */
    CLOSED,
    /**
     * A reused keep-alive connection was closed by the server before any response; the request is
     * repeated on another connection at once and not counted as a failure.
     */
    STALE,
    /** The sink was closed. */
    SINK_CLOSED
  }

  static ExchangeResult response(int status, String body) {
    return response(status, body, null);
  }

  static ExchangeResult response(int status, String body, Duration retryAfter) {
    return new ExchangeResult(status, body, retryAfter, Failure.NONE, null);
  }

  static ExchangeResult failed(Failure failure, Throwable cause) {
    return new ExchangeResult(0, "", null, failure, cause);
  }

  boolean hasResponse() {
    return failure == Failure.NONE;
  }

  /**
   * A short description for logs: the status with Fluentd's reason (the gist of its body, such as
   * "buffer space has too many data"), or the failure and its message.
   */
  String describe() {
    if (hasResponse()) {
      String reason = responseBody == null ? "" : FluentdVerdict.gist(responseBody);
      return "HTTP " + status + (reason.isEmpty() ? "" : ": " + reason);
    }
    String message = cause == null ? null : rootMessage(cause);
    return failure.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
        + (message == null ? "" : ": " + message);
  }

  private static String rootMessage(Throwable error) {
    Throwable current = error;
    String message = error.getMessage();
    while (current.getCause() != null && current.getCause() != current) {
      current = current.getCause();
      if (current.getMessage() != null) {
        message = current.getMessage();
      }
    }
    return message == null ? error.getClass().getSimpleName() : message;
  }
}
