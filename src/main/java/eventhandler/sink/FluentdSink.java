package eventhandler.sink;

import eventhandler.logging.Counted;
import eventhandler.logging.WarningThrottle;
import eventhandler.retry.Backoff;
import eventhandler.sink.ExchangeResult.Failure;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to Fluentd's in_http input over HTTPS with a client certificate.
 *
 * <ul>
 *   <li>Each {@code send} is one request, its body one JSON array (a bare object with {@code
 *       bareObjects}): the caller ({@code DeliveryLane}) owns the count and byte limits. Only a
 *       refusal splits it (below); those requests go one after another, in order. Different sends
 *       run in parallel over up to {@code maxConnections} keep-alive connections per host. To use
 *       the connections, keep several sends outstanding.
 *   <li>Connection errors, timeouts, 5xx and 429 are retried with capped, jittered exponential
 *       backoff until they succeed or the sink is closed. Nothing is dropped.
 *   <li>A request Fluentd refuses for its content (400, 413) is split in halves until the events at
 *       fault are found; those go to the dead-letter file, the others are delivered.
 *   <li>Requests beyond the free connections wait inside the sink without limit: callers must bound
 *       how many sends (and so events) they have outstanding.
 * </ul>
 */
public final class FluentdSink implements EventSink {
  private static final Logger log = LoggerFactory.getLogger(FluentdSink.class);
  private static final Duration WARNING_INTERVAL = Duration.ofSeconds(10);
  static final String REFUSED_REASON = "fluentd refused the event";

  private final FluentdSinkConfig config;
  private final DeadLetterFile deadLetters;
  private final Clock clock;
  private final FluentdSinkMetrics metrics;
  private final ClientTls tls;
  private final EventLoopGroup group;
  private final boolean ownsGroup;
  private final Bootstrap bootstrap;
  private final ExecutorService deadLetterWriter;
  private final Backoff backoff;
  private final WarningThrottle warnings;
  private final Map<HttpTarget, ConnectionPool> pools = new ConcurrentHashMap<>();
  private final Set<Delivery> pending = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private Instant lastSuccess;
  private Instant failingSince;
  private long consecutiveFailures;
  private String lastError;

  public FluentdSink(
      FluentdSinkConfig config, DeadLetterFile deadLetters, MeterRegistry registry, Clock clock) {
    this(config, deadLetters, registry, clock, null);
  }

  /**
   * Like the main constructor, but runs on {@code group} (shared with other Netty users and not
   * shut down by {@link #close}); {@code null} makes a small group of its own.
   */
  public FluentdSink(
      FluentdSinkConfig config,
      DeadLetterFile deadLetters,
      MeterRegistry registry,
      Clock clock,
      EventLoopGroup group) {
    this.config = config;
    this.deadLetters = deadLetters;
    this.clock = clock;
    this.tls = ClientTls.load(config.caFile(), config.certFile(), config.keyFile());
    this.metrics = new FluentdSinkMetrics(registry);
    this.ownsGroup = group == null;
    this.group =
        group != null
            ? group
            : new NioEventLoopGroup(
                Math.min(2, Runtime.getRuntime().availableProcessors()),
                new DefaultThreadFactory("fluentd-sink", true));
    this.bootstrap =
        new Bootstrap()
            .group(this.group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_KEEPALIVE, true);
    this.deadLetterWriter =
        Executors.newSingleThreadExecutor(new DefaultThreadFactory("fluentd-dead-letters", true));
    this.backoff =
        new Backoff(
            config.minBackoff(),
            config.maxBackoff(),
            bound -> ThreadLocalRandom.current().nextLong(bound));
    this.warnings = new WarningThrottle(log, clock, WARNING_INTERVAL);
  }

  @Override
  public CompletableFuture<DeliveryReport> send(URI url, List<byte[]> records) {
    HttpTarget target = HttpTarget.of(url);
    if (closed) {
      return CompletableFuture.failedFuture(new SinkClosedException());
    }
    if (records.isEmpty()) {
      return CompletableFuture.completedFuture(DeliveryReport.EMPTY);
    }
    if (config.bareObjects() && records.size() > 1) {
      throw new IllegalArgumentException(
          "one event per request (bare objects), got " + records.size());
    }
    ConnectionPool pool = pool(target);
    Delivery delivery = new Delivery(url, pool, records);
    pending.add(delivery);
    if (closed) {
      delivery.fail();
    } else {
      delivery.next();
    }
    return delivery.future;
  }

  /**
   * Opens a connection to {@code url}'s host ahead of the first send (at start, while the export
   * connects to Teleport); failures are left to the first send to report and retry.
   */
  public void connectAhead(URI url) {
    if (!closed) {
      pool(HttpTarget.of(url)).connectAhead();
    }
  }

  private ConnectionPool pool(HttpTarget target) {
    return pools.computeIfAbsent(
        target,
        key ->
            new ConnectionPool(
                key,
                bootstrap,
                key.tls() ? tls : null,
                config.maxConnections(),
                config.requestTimeout(),
                metrics));
  }

  @Override
  public synchronized SinkHealth health() {
    return new SinkHealth(
        lastSuccess,
        failingSince,
        consecutiveFailures,
        lastError,
        metrics.inFlight.get(),
        pending.size());
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Delivery delivery : pending) {
      delivery.fail();
    }
    pools.values().forEach(ConnectionPool::close);
    deadLetterWriter.shutdown();
    if (ownsGroup) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    try {
      deadLetterWriter.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private synchronized boolean recordSuccess() {
    boolean recovered = consecutiveFailures > 0;
    lastSuccess = clock.instant();
    failingSince = null;
    consecutiveFailures = 0;
    lastError = null;
    return recovered;
  }

  private synchronized long recordFailure(String error) {
    if (failingSince == null) {
      failingSince = clock.instant();
    }
    lastError = error;
    return ++consecutiveFailures;
  }

  /** The state of one {@code send}: its requests run one after another, in order. */
  private final class Delivery {
    final CompletableFuture<DeliveryReport> future = new CompletableFuture<>();
    private final URI url;
    private final String pathAndQuery;
    private final ConnectionPool pool;
    private final List<byte[]> records;
    private final boolean asArray;
    private final EventLoop loop;

    /** Record ranges {from, to} still to deliver, in order. */
    private final ArrayDeque<int[]> ranges = new ArrayDeque<>();

    private int delivered;
    private int deadLettered;
    private int requests;
    private int retries;
    private int failuresInARow;

    Delivery(URI url, ConnectionPool pool, List<byte[]> records) {
      this.url = url;
      this.pathAndQuery = HttpTarget.pathAndQuery(url);
      this.pool = pool;
      this.records = records;
      this.asArray = !config.bareObjects();
      this.loop = group.next();
      ranges.addLast(new int[] {0, records.size()});
    }

    /** Sends the first remaining range, or completes when none is left. */
    void next() {
      if (closed) {
        fail();
        return;
      }
      int[] range = ranges.peekFirst();
      if (range == null) {
        pending.remove(this);
        future.complete(new DeliveryReport(delivered, deadLettered, requests, retries));
        return;
      }
      requests++;
      pool.execute(
          new Exchange(pathAndQuery, records, range[0], range[1], asArray, this::onResult));
    }

    void fail() {
      pending.remove(this);
      future.completeExceptionally(new SinkClosedException());
    }

    private void onResult(ExchangeResult result) {
      try {
        handle(result);
      } catch (RuntimeException e) {
        if (closed) {
          fail();
        } else {
          log.error("Fluentd delivery failed unexpectedly; please report this", e);
          pending.remove(this);
          future.completeExceptionally(e);
        }
      }
    }

    private void handle(ExchangeResult result) {
      if (closed || result.failure() == Failure.SINK_CLOSED) {
        fail();
        return;
      }
      if (result.failure() == Failure.STALE) {
        metrics.staleReconnects.increment();
        log.debug("Fluentd at {} had closed an idle connection; sending again", pool);
        requests--; // the same request again, not a new one
        next();
        return;
      }
      int[] range = ranges.peekFirst();
      int events = range[1] - range[0];
      if (!result.hasResponse()) {
        metrics.requestsFailedConnection.increment();
        retryLater(result, result.failure().name().toLowerCase(Locale.ROOT));
        return;
      }
      switch (FluentdVerdict.of(result.status(), result.responseBody())) {
        case ACCEPTED -> {
          metrics.requestsAccepted.increment();
          metrics.eventsDelivered.increment(events);
          delivered += events;
          ranges.removeFirst();
          succeeded();
          next();
        }
        case REFUSED -> {
          metrics.requestsRefused.increment();
          succeeded(); // Fluentd is up and answering
          if (events > 1) {
            ranges.removeFirst();
            int middle = range[0] + events / 2;
            ranges.addFirst(new int[] {middle, range[1]});
            ranges.addFirst(new int[] {range[0], middle});
            next();
          } else {
            writeDeadLetter(range[0], result); // then takes the range off and goes on
          }
        }
        case RETRY -> {
          metrics.requestsFailedStatus.increment();
          retryLater(result, "status_" + result.status());
        }
      }
    }

    private void succeeded() {
      failuresInARow = 0;
      if (recordSuccess()) {
        log.info("Fluentd at {} accepts requests again", targetName());
      }
    }

    private void retryLater(ExchangeResult result, String cause) {
      retries++;
      failuresInARow++;
      metrics.retries(cause).increment();
      String error = result.describe();
      long failures = recordFailure(error);
      long delay = backoff.delayNanos(failuresInARow);
      if (result.retryAfter() != null) {
        // Whoever answered (often a proxy in front of Fluentd) said how long to wait.
        delay = Math.max(delay, result.retryAfter().toNanos());
      }
      warnings.warn(
          cause,
          "Fluentd request to "
              + targetName()
              + " failed ("
              + error
              + advice(result)
              + "); retrying in "
              + TimeUnit.NANOSECONDS.toMillis(delay)
              + " ms, events are kept ("
              + Counted.of(failures, "failed request", "failed requests in a row")
              + ")");
      schedule(this::next, delay);
    }

    private void writeDeadLetter(int index, ExchangeResult result) {
      byte[] record = records.get(index);
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("status", result.status());
      details.put("response", result.responseBody());
      details.put("url", url.toString());
      try {
        deadLetterWriter.execute(
            () -> {
              try {
                deadLetters.append(REFUSED_REASON, details, record);
              } catch (IOException | RuntimeException e) {
                warnings.warn(
                    "dead-letter-file",
                    "Cannot write the dead-letter file "
                        + deadLetters.path()
                        + " ("
                        + e.getMessage()
                        + "); the refused event is kept and the write retried."
                        + " Check free space and permissions.");
                schedule(() -> writeDeadLetter(index, result), backoff.delayNanos(3));
                return;
              }
              metrics.deadLetters.increment();
              log.warn(
                  "Fluentd refused an event with HTTP {} ({}); it was written to the dead-letter"
                      + " file {} ({})",
                  result.status(),
                  FluentdVerdict.gist(result.responseBody()),
                  deadLetters.path(),
                  EventLabel.of(record));
              execute(
                  () -> {
                    deadLettered++;
                    ranges.removeFirst();
                    next();
                  });
            });
      } catch (RejectedExecutionException e) {
        fail(); // closed meanwhile
      }
    }

    private void schedule(Runnable task, long delayNanos) {
      try {
        loop.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        fail();
      }
    }

    private void execute(Runnable task) {
      try {
        loop.execute(task);
      } catch (RejectedExecutionException e) {
        fail();
      }
    }

    private String targetName() {
      return HttpTarget.of(url).toString();
    }

    private String advice(ExchangeResult result) {
      return switch (result.failure()) {
        case CONNECT -> "; is Fluentd running and the URL right?";
        case TLS -> "; check --fluentd-ca, --fluentd-cert, --fluentd-key and the host name";
        case CLOSED -> "; is Fluentd stopping or restarting?";
        default -> {
          if (!result.hasResponse()) {
            yield "";
          }
          if (result.status() == 429) {
            yield "; Fluentd, or a proxy in front of it, asks to send more slowly";
          }
          yield result.status() >= 400 && result.status() < 500
              ? "; check the Fluentd URL and configuration"
              : "";
        }
      };
    }
  }
}
