package eventhandler.sim.fluentd;

import com.fasterxml.jackson.databind.JsonNode;
import eventhandler.tls.Pem;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A Fluentd-compatible HTTPS receiver for tests, {@code demo} and {@code bench}: it behaves like
 * Fluentd 1.16's in_http with {@code <transport tls> client_cert_auth true} and the Teleport {@code
 * <parse> @type json} section.
 *
 * <ul>
 *   <li>127.0.0.1 only; TLS 1.2 only by default; a client certificate signed by the given CA is
 *       required. A handshake that tries to resume a session fails with alert {@code
 *       internal_error} (Fluentd's defect, on by default).
 *   <li>Tag = URL path with {@code /} → {@code .}; body = one JSON object or an array of objects,
 *       all or nothing; malformed JSON → 400, a non-object → 500, a bad {@code time} → 400, a body
 *       over the limit (32 MiB) → 413 {@code Too large} and close. Success: 200, empty body.
 *   <li>Keep-alive; connections idle longer than the keep-alive timeout (10 s) are closed.
 *   <li>Faults on demand: failing requests with a status, poison records, latency, a closed
 *       listening socket.
 * </ul>
 */
public final class FluentdReceiver implements AutoCloseable {
  /** What the receiver keeps of the records it accepts (counts are always kept). */
  public enum Storage {
    /** Every record, as parsed JSON, for {@link #records(String)}. */
    MEMORY,
    /** Counts and bytes only: for benchmarks. */
    COUNT_ONLY,
    /** One JSON-lines file per tag in a directory: for demos. */
    FILES
  }

  public static final int DEFAULT_BODY_LIMIT = 32 * 1024 * 1024;
  public static final Duration DEFAULT_KEEP_ALIVE_TIMEOUT = Duration.ofSeconds(10);

  private final FluentdRecordStore store;
  private final FluentdFaults faults = new FluentdFaults();
  private final ReceiverCounts counts = new ReceiverCounts();
  private final Object progress = new Object();
  private final InHttpListener listener;

  FluentdReceiver(FluentdReceiverBuilder settings) throws IOException {
    this.store = new FluentdRecordStore(settings.storage, settings.directory);
    this.listener =
        new InHttpListener(settings, counts, () -> new InHttpHandler(this, settings.bodyLimit));
  }

  /** A receiver with this server identity, trusting client certificates signed by {@code cas}. */
  public static FluentdReceiverBuilder builder(
      PrivateKey serverKey, List<X509Certificate> serverChain, List<X509Certificate> clientCas) {
    return new FluentdReceiverBuilder(serverKey, serverChain, clientCas);
  }

  /**
   * A receiver using the files {@code configure} writes: the server certificate, its (possibly
   * encrypted) key, and the CA that signs client certificates.
   */
  public static FluentdReceiverBuilder fromPemFiles(
      Path serverCert, Path serverKey, char[] passphrase, Path clientCa) throws IOException {
    PrivateKey key =
        Pem.readPrivateKey(
            Files.readString(serverKey, StandardCharsets.US_ASCII),
            serverKey.toString(),
            passphrase);
    return builder(key, Pem.readCertificates(serverCert), Pem.readCertificates(clientCa));
  }

  public int port() {
    return listener.port();
  }

  /** {@code https://127.0.0.1:<port>/<path>}; the path becomes the tag. */
  public URI url(String path) {
    return url("127.0.0.1", path);
  }

  /** Like {@link #url(String)} with another host name for 127.0.0.1 (e.g. localhost). */
  public URI url(String host, String path) {
    String relative = path.startsWith("/") ? path.substring(1) : path;
    return URI.create("https://" + host + ":" + port() + "/" + relative);
  }

  // ---- what was received

  /** The records accepted under {@code tag}, in arrival order (MEMORY storage only). */
  public List<JsonNode> records(String tag) {
    return store.stored(tag);
  }

  /** Records accepted under {@code tag}. */
  public long received(String tag) {
    return store.records(tag);
  }

  /** Bytes of the records accepted under {@code tag} (each record's JSON text). */
  public long receivedBytes(String tag) {
    return store.bytes(tag);
  }

  public long totalRecords() {
    return store.total();
  }

  /** Records accepted per tag. */
  public Map<String, Long> recordsByTag() {
    return store.recordsByTag();
  }

  /** Requests answered (any status). */
  public long requests() {
    return counts.requests.sum();
  }

  /** Requests whose body was a well-formed JSON array (rather than one object). */
  public long arrayRequests() {
    return counts.arrayRequests.sum();
  }

  /** Responses given with {@code status}. */
  public long responses(int status) {
    return counts.responses(status);
  }

  /** Responses given, by status. */
  public Map<Integer, Long> responsesByStatus() {
    return counts.responsesByStatus();
  }

  public long connectionsAccepted() {
    return counts.connectionsAccepted.sum();
  }

  public long handshakes() {
    return counts.handshakes.sum();
  }

  public long handshakeFailures() {
    return counts.handshakeFailures.sum();
  }

  /** Handshakes failed because the client tried to resume a session. */
  public long resumptionsRefused() {
    return counts.resumptionsRefused.get();
  }

  /** Connections closed for being idle longer than the keep-alive timeout. */
  public long idleCloses() {
    return counts.idleCloses.sum();
  }

  /** Forgets the records and counts received so far (not the connection counters). */
  public void clearRecords() {
    store.clear();
  }

  /**
   * Waits until at least {@code total} records were accepted in all; returns whether they were
   * before {@code timeout}.
   */
  public boolean awaitRecords(long total, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (progress) {
      while (store.total() < total) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(progress, left);
      }
      return true;
    }
  }

  // ---- faults

  /** Answers the next {@code count} acceptable requests with {@code status} instead. */
  public void failNextRequests(int count, int status) {
    faults.failNext(count, status);
  }

  /** Answers every acceptable request with {@code status} until {@link #clearFaults()}. */
  public void failAllRequests(int status) {
    faults.failAll(status);
  }

  /**
   * A request holding a record that {@code isPoison} matches gets 400 like a time parse error, and
   * none of its records are accepted; {@code null} turns this off.
   */
  public void poison(Predicate<JsonNode> isPoison) {
    faults.poison(isPoison);
  }

  /**
   * Closes the connection instead of answering the next {@code count} requests (their records are
   * not accepted).
   */
  public void dropNextRequests(int count) {
    faults.dropNext(count);
  }

  /** Delays every answer by {@code perRequest}. */
  public void latency(Duration perRequest) {
    faults.latency(perRequest);
  }

  /** Ends failures, dropped requests, poison and latency. */
  public void clearFaults() {
    faults.clear();
  }

  /** Closes the listening socket: new connections are refused; open ones keep working. */
  public void stopListening() {
    listener.stopListening();
  }

  /** Closes every open connection (without a response for requests in progress). */
  public void dropConnections() {
    listener.dropConnections();
  }

  /** Listens again on the same port. */
  public void resumeListening() throws IOException {
    listener.resumeListening();
  }

  @Override
  public void close() {
    listener.close();
    store.close();
  }

  // ---- used by the connection handlers

  FluentdFaults faults() {
    return faults;
  }

  void accept(String tag, byte[] body, InHttpBodyParser.Parsed parsed) {
    store.accept(tag, body, parsed);
    synchronized (progress) {
      progress.notifyAll();
    }
  }

  void countRequest() {
    counts.requests.increment();
  }

  void countArrayRequest() {
    counts.arrayRequests.increment();
  }

  void countResponse(int status) {
    counts.response(status);
  }

  void countIdleClose() {
    counts.idleCloses.increment();
  }
}
