package eventhandler.sim;

import com.fasterxml.jackson.databind.JsonNode;
import eventhandler.tls.KeyStores;
import eventhandler.tls.Pem;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;

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

  private final Builder settings;
  private final SSLContext sslContext;
  private final EventLoopGroup acceptors;
  private final EventLoopGroup workers;
  private final ChannelGroup connections =
      new DefaultChannelGroup("fluentd-receiver", GlobalEventExecutor.INSTANCE);
  private final FluentdRecordStore store;
  private final FluentdFaults faults = new FluentdFaults();
  private final TlsResumptionTrap.IssuedSessions issuedSessions =
      new TlsResumptionTrap.IssuedSessions();
  private final AtomicLong resumptionsRefused = new AtomicLong();
  private final LongAdder requests = new LongAdder();
  private final LongAdder arrayRequests = new LongAdder();
  private final LongAdder connectionsAccepted = new LongAdder();
  private final LongAdder handshakes = new LongAdder();
  private final LongAdder handshakeFailures = new LongAdder();
  private final LongAdder idleCloses = new LongAdder();
  private final Map<Integer, LongAdder> responses = new ConcurrentHashMap<>();
  private final Object progress = new Object();
  private final int port;
  private Channel listener;

  private FluentdReceiver(Builder settings) throws IOException {
    this.settings = settings;
    this.sslContext = serverContext(settings);
    this.store = new FluentdRecordStore(settings.storage, settings.directory);
    this.acceptors = new NioEventLoopGroup(1, new DefaultThreadFactory("fluentd-accept", true));
    this.workers =
        new NioEventLoopGroup(settings.threads, new DefaultThreadFactory("fluentd-receiver", true));
    try {
      this.listener = bind(settings.port);
    } catch (IOException | RuntimeException e) {
      shutdownGroups();
      throw e;
    }
    this.port = ((InetSocketAddress) listener.localAddress()).getPort();
  }

  /** A receiver with this server identity, trusting client certificates signed by {@code cas}. */
  public static Builder builder(
      PrivateKey serverKey, List<X509Certificate> serverChain, List<X509Certificate> clientCas) {
    return new Builder(serverKey, serverChain, clientCas);
  }

  /**
   * A receiver using the files {@code configure} writes: the server certificate, its (possibly
   * encrypted) key, and the CA that signs client certificates.
   */
  public static Builder fromPemFiles(
      Path serverCert, Path serverKey, char[] passphrase, Path clientCa) throws IOException {
    PrivateKey key =
        Pem.readPrivateKey(
            Files.readString(serverKey, StandardCharsets.US_ASCII),
            serverKey.toString(),
            passphrase);
    return builder(key, Pem.readCertificates(serverCert), Pem.readCertificates(clientCa));
  }

  /** Settings; {@link #start()} binds the port. */
  public static final class Builder {
    private final PrivateKey serverKey;
    private final List<X509Certificate> serverChain;
    private final List<X509Certificate> clientCas;
    private String[] protocols = {"TLSv1.2"};
    private Duration keepAliveTimeout = DEFAULT_KEEP_ALIVE_TIMEOUT;
    private int bodyLimit = DEFAULT_BODY_LIMIT;
    private boolean trapResumption = true;
    private Storage storage = Storage.MEMORY;
    private Path directory;
    private int port;
    private int threads = Math.min(2, Runtime.getRuntime().availableProcessors());

    private Builder(
        PrivateKey serverKey, List<X509Certificate> serverChain, List<X509Certificate> clientCas) {
      this.serverKey = Objects.requireNonNull(serverKey);
      this.serverChain = List.copyOf(serverChain);
      this.clientCas = List.copyOf(clientCas);
    }

    /** TLS versions offered, e.g. {@code "TLSv1.2", "TLSv1.3"}; default TLS 1.2 only (Fluentd). */
    public Builder tlsProtocols(String... values) {
      this.protocols = values.clone();
      return this;
    }

    public Builder keepAliveTimeout(Duration value) {
      this.keepAliveTimeout = value;
      return this;
    }

    /** Largest body accepted; larger ones get 413 (in_http's body_size_limit). */
    public Builder bodyLimit(int bytes) {
      this.bodyLimit = bytes;
      return this;
    }

    /** Whether to fail handshakes that try to resume a session, like Fluentd (default true). */
    public Builder trapResumption(boolean value) {
      this.trapResumption = value;
      return this;
    }

    public Builder storeInMemory() {
      this.storage = Storage.MEMORY;
      return this;
    }

    public Builder countOnly() {
      this.storage = Storage.COUNT_ONLY;
      return this;
    }

    /** Appends each tag's records to {@code <directory>/<tag>.jsonl}, one JSON object a line. */
    public Builder storeInFiles(Path value) {
      this.storage = Storage.FILES;
      this.directory = value;
      return this;
    }

    /** The port on 127.0.0.1; 0 (default) picks a free one. */
    public Builder port(int value) {
      this.port = value;
      return this;
    }

    public Builder threads(int value) {
      this.threads = value;
      return this;
    }

    public FluentdReceiver start() throws IOException {
      return new FluentdReceiver(this);
    }
  }

  public int port() {
    return port;
  }

  /** {@code https://127.0.0.1:<port>/<path>}; the path becomes the tag. */
  public URI url(String path) {
    return url("127.0.0.1", path);
  }

  /** Like {@link #url(String)} with another host name for 127.0.0.1 (e.g. localhost). */
  public URI url(String host, String path) {
    String relative = path.startsWith("/") ? path.substring(1) : path;
    return URI.create("https://" + host + ":" + port + "/" + relative);
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
    return requests.sum();
  }

  /** Requests whose body was a well-formed JSON array (rather than one object). */
  public long arrayRequests() {
    return arrayRequests.sum();
  }

  /** Responses given with {@code status}. */
  public long responses(int status) {
    LongAdder count = responses.get(status);
    return count == null ? 0 : count.sum();
  }

  /** Responses given, by status. */
  public Map<Integer, Long> responsesByStatus() {
    Map<Integer, Long> result = new TreeMap<>();
    responses.forEach((status, count) -> result.put(status, count.sum()));
    return result;
  }

  public long connectionsAccepted() {
    return connectionsAccepted.sum();
  }

  public long handshakes() {
    return handshakes.sum();
  }

  public long handshakeFailures() {
    return handshakeFailures.sum();
  }

  /** Handshakes failed because the client tried to resume a session. */
  public long resumptionsRefused() {
    return resumptionsRefused.get();
  }

  /** Connections closed for being idle longer than the keep-alive timeout. */
  public long idleCloses() {
    return idleCloses.sum();
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
  public synchronized void stopListening() {
    if (listener != null) {
      listener.close().syncUninterruptibly();
      listener = null;
    }
  }

  /** Closes every open connection (without a response for requests in progress). */
  public void dropConnections() {
    connections.close().syncUninterruptibly();
  }

  /** Listens again on the same port. */
  public synchronized void resumeListening() throws IOException {
    if (listener == null) {
      listener = bind(port);
    }
  }

  @Override
  public void close() {
    stopListening();
    dropConnections();
    shutdownGroups();
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
    requests.increment();
  }

  void countArrayRequest() {
    arrayRequests.increment();
  }

  void countResponse(int status) {
    responses.computeIfAbsent(status, key -> new LongAdder()).increment();
  }

  void countIdleClose() {
    idleCloses.increment();
  }

  private Channel bind(int wantedPort) throws IOException {
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(acceptors, workers)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel channel) {
                    initConnection(channel);
                  }
                });
    try {
      return bootstrap.bind("127.0.0.1", wantedPort).syncUninterruptibly().channel();
    } catch (RuntimeException e) {
      throw new IOException("the Fluentd receiver cannot listen on 127.0.0.1:" + wantedPort, e);
    }
  }

  private void initConnection(SocketChannel channel) {
    connections.add(channel);
    connectionsAccepted.increment();
    ChannelPipeline pipeline = channel.pipeline();
    if (settings.trapResumption) {
      pipeline.addLast(
          "resumption-trap", new TlsResumptionTrap(issuedSessions, resumptionsRefused));
    }
    SSLEngine engine = sslContext.createSSLEngine();
    engine.setUseClientMode(false);
    engine.setNeedClientAuth(true);
    engine.setEnabledProtocols(settings.protocols);
    SslHandler tls = new SslHandler(engine);
    tls.handshakeFuture()
        .addListener(
            handshake -> {
              if (handshake.isSuccess()) {
                handshakes.increment();
                issuedSessions.add(engine.getSession().getId());
              } else {
                handshakeFailures.increment();
              }
            });
    pipeline.addLast("tls", tls);
    pipeline.addLast(
        "keep-alive",
        new IdleStateHandler(0, 0, settings.keepAliveTimeout.toMillis(), TimeUnit.MILLISECONDS));
    pipeline.addLast("http", new HttpServerCodec());
    pipeline.addLast("in_http", new InHttpHandler(this, settings.bodyLimit));
  }

  private static SSLContext serverContext(Builder settings) throws IOException {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          new KeyManager[] {KeyStores.keyManager(settings.serverKey, settings.serverChain)},
          new TrustManager[] {KeyStores.trustManager(settings.clientCas)},
          null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("the Fluentd receiver cannot set up TLS", e);
    }
  }

  private void shutdownGroups() {
    acceptors.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
