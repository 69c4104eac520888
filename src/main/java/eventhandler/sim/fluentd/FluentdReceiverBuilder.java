package eventhandler.sim.fluentd;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** Settings; {@link #start()} binds the port. */
public final class FluentdReceiverBuilder {
  final PrivateKey serverKey;
  final List<X509Certificate> serverChain;
  final List<X509Certificate> clientCas;
  String[] protocols = {"TLSv1.2"};
  Duration keepAliveTimeout = FluentdReceiver.DEFAULT_KEEP_ALIVE_TIMEOUT;
  int bodyLimit = FluentdReceiver.DEFAULT_BODY_LIMIT;
  boolean trapResumption = true;
  FluentdReceiver.Storage storage = FluentdReceiver.Storage.MEMORY;
  Path directory;
  int port;
  int threads = Math.min(2, Runtime.getRuntime().availableProcessors());

  FluentdReceiverBuilder(
      PrivateKey serverKey, List<X509Certificate> serverChain, List<X509Certificate> clientCas) {
    this.serverKey = Objects.requireNonNull(serverKey);
    this.serverChain = List.copyOf(serverChain);
    this.clientCas = List.copyOf(clientCas);
  }

  /** TLS versions offered, e.g. {@code "TLSv1.2", "TLSv1.3"}; default TLS 1.2 only (Fluentd). */
  public FluentdReceiverBuilder tlsProtocols(String... values) {
    this.protocols = values.clone();
    return this;
  }

  public FluentdReceiverBuilder keepAliveTimeout(Duration value) {
    this.keepAliveTimeout = value;
    return this;
  }

  /** Largest body accepted; larger ones get 413 (in_http's body_size_limit). */
  public FluentdReceiverBuilder bodyLimit(int bytes) {
    this.bodyLimit = bytes;
    return this;
  }

  /** Whether to fail handshakes that try to resume a session, like Fluentd (default true). */
  public FluentdReceiverBuilder trapResumption(boolean value) {
    this.trapResumption = value;
    return this;
  }

  public FluentdReceiverBuilder storeInMemory() {
    this.storage = FluentdReceiver.Storage.MEMORY;
    return this;
  }

  public FluentdReceiverBuilder countOnly() {
    this.storage = FluentdReceiver.Storage.COUNT_ONLY;
    return this;
  }

  /** Appends each tag's records to {@code <directory>/<tag>.jsonl}, one JSON object a line. */
  public FluentdReceiverBuilder storeInFiles(Path value) {
    this.storage = FluentdReceiver.Storage.FILES;
    this.directory = value;
    return this;
  }

  /** The port on 127.0.0.1; 0 (default) picks a free one. */
  public FluentdReceiverBuilder port(int value) {
    this.port = value;
    return this;
  }

  public FluentdReceiverBuilder threads(int value) {
    this.threads = value;
    return this;
  }

  public FluentdReceiver start() throws IOException {
    return new FluentdReceiver(this);
  }
}
