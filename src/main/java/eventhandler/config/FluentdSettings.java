package eventhandler.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how events are sent to Fluentd's {@code in_http} input.
 *
 * @param url audit events endpoint ({@code --fluentd-url}); https with a host
 * @param sessionUrl session recordings base URL ({@code --fluentd-session-url}); see {@link
 *     #sessionUrlFor}
 * @param caFile CA certificates that verify Fluentd ({@code --fluentd-ca}); empty means the JVM's
 *     default trust store
 * @param clientCertificate client certificate and key for mTLS ({@code --fluentd-cert}, {@code
 *     --fluentd-key}); empty means no client certificate
 * @param maxConnections most requests in flight ({@code --fluentd-max-connections}, default 2 x
 *     concurrency)
 * @param batchSize most events per request ({@code --fluentd-batch-size}); 1 means one JSON object
 *     per request as the Go plugin sends, more means a JSON array
 * @param batchBytes largest request body in bytes ({@code --fluentd-batch-bytes}), below 32 MiB
 * @param requestTimeout time limit of one request ({@code --fluentd-timeout}), positive
 * @param deadLetterLimit most refused events dead-lettered per 10 minutes ({@code
 *     --fluentd-dead-letter-limit})
 */
public record FluentdSettings(
    URI url,
    URI sessionUrl,
    Optional<Path> caFile,
    Optional<ClientCertificate> clientCertificate,
    int maxConnections,
    int batchSize,
    int batchBytes,
    Duration requestTimeout,
    int deadLetterLimit) {

  /** A PEM client certificate and its private key. */
  public record ClientCertificate(Path certificate, Path privateKey) {
    public ClientCertificate {
      Objects.requireNonNull(certificate, "certificate");
      Objects.requireNonNull(privateKey, "privateKey");
    }
  }

  public FluentdSettings {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(sessionUrl, "sessionUrl");
    Objects.requireNonNull(caFile, "caFile");
    Objects.requireNonNull(clientCertificate, "clientCertificate");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
  }

  /**
   * The URL that receives the events of one session: the session URL followed by {@code
   * .<sessionId>.log}, as the Go plugin builds it (plain concatenation), e.g. {@code
   * https://fluentd:8888/session.<id>.log}.
   */
  public URI sessionUrlFor(String sessionId) {
    return URI.create(sessionUrl.toString() + "." + sessionId + ".log");
  }
}
