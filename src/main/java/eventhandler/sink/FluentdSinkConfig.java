package eventhandler.sink;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the Fluentd sink.
 *
 * @param caFile CA certificates (PEM) that sign Fluentd's server certificate; {@code null} trusts
 *     the system trust store ({@code --fluentd-ca})
 * @param certFile client certificate chain (PEM) presented to Fluentd ({@code --fluentd-cert})
 * @param keyFile unencrypted private key (PEM) of the client certificate ({@code --fluentd-key})
 * @param maxConnections keep-alive connections per Fluentd host:port, one request in flight on each
 * @param bareObjects each request holds one event as a bare JSON object, as the Go plugin sends
 *     (batch size 1); otherwise a JSON array. How many events a request holds is the caller's
 *     choice: the delivery lane owns the count and byte limits, the sink sends what it is given.
 * @param requestTimeout limit for connecting, the TLS handshake, and each request's response
 * @param minBackoff first retry delay after a failed request; doubles per consecutive failure
 * @param maxBackoff cap of the retry delay
 * @param deadLetterLimit most events dead-lettered per 10 minutes ({@code
 *     --fluentd-dead-letter-limit}); beyond it refused events are held (see {@link RefusalJudge})
 */
public record FluentdSinkConfig(
    Path caFile,
    Path certFile,
    Path keyFile,
    int maxConnections,
    boolean bareObjects,
    Duration requestTimeout,
    Duration minBackoff,
    Duration maxBackoff,
    int deadLetterLimit) {

  public static final int DEFAULT_MAX_CONNECTIONS = 10;
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_MIN_BACKOFF = Duration.ofMillis(100);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);
  public static final int DEFAULT_DEAD_LETTER_LIMIT = 20;

  public FluentdSinkConfig {
    Objects.requireNonNull(certFile, "certFile");
    Objects.requireNonNull(keyFile, "keyFile");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    Objects.requireNonNull(minBackoff, "minBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections must be at least 1: " + maxConnections);
    }
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("requestTimeout must be positive: " + requestTimeout);
    }
    if (minBackoff.isNegative() || minBackoff.isZero() || maxBackoff.compareTo(minBackoff) < 0) {
      throw new IllegalArgumentException(
          "backoff must satisfy 0 < minBackoff <= maxBackoff: " + minBackoff + ", " + maxBackoff);
    }
    if (deadLetterLimit < 0) {
      throw new IllegalArgumentException(
          "deadLetterLimit must not be negative: " + deadLetterLimit);
    }
  }

  /** The defaults for everything but the TLS files. */
  public static FluentdSinkConfig withDefaults(Path caFile, Path certFile, Path keyFile) {
    return new FluentdSinkConfig(
        caFile,
        certFile,
        keyFile,
        DEFAULT_MAX_CONNECTIONS,
        false,
        DEFAULT_REQUEST_TIMEOUT,
        DEFAULT_MIN_BACKOFF,
        DEFAULT_MAX_BACKOFF,
        DEFAULT_DEAD_LETTER_LIMIT);
  }

  public FluentdSinkConfig withMaxConnections(int value) {
    return copy(value, bareObjects, requestTimeout, minBackoff, maxBackoff, deadLetterLimit);
  }

  public FluentdSinkConfig withBareObjects(boolean value) {
    return copy(maxConnections, value, requestTimeout, minBackoff, maxBackoff, deadLetterLimit);
  }

  public FluentdSinkConfig withTimeouts(Duration request, Duration minWait, Duration maxWait) {
    return copy(maxConnections, bareObjects, request, minWait, maxWait, deadLetterLimit);
  }

  public FluentdSinkConfig withDeadLetterLimit(int value) {
    return copy(maxConnections, bareObjects, requestTimeout, minBackoff, maxBackoff, value);
  }

  private FluentdSinkConfig copy(
      int connections, boolean bare, Duration request, Duration min, Duration max, int limit) {
    return new FluentdSinkConfig(
        caFile, certFile, keyFile, connections, bare, request, min, max, limit);
  }
}
