package eventhandler.sink;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

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
 *   <li>A request Fluentd refuses for its content (400, 413) is split to find the events at fault;
 *       those go to {@link RefusedEvents} (the dead-letter file) only when {@link RefusalJudge}
 *       proves the refusal is about them, else they are held and sent again (see {@link Holds}).
 *   <li>Requests beyond the free connections wait inside the sink without limit: callers must bound
 *       how many sends (and so events) they have outstanding.
 * </ul>
 */
public final class FluentdSink implements EventSink {
  private final SinkParts parts;
  private final ClientTls tls;
  private final EventLoopGroup group;
  private final Bootstrap bootstrap;
  private final Map<HttpTarget, ConnectionPool> pools = new ConcurrentHashMap<>();

  /** {@code start}'s sink: refused events go to {@code deadLetters} under the hold rule. */
  public FluentdSink(
      FluentdSinkConfig config, DeadLetterFile deadLetters, MeterRegistry registry, Clock clock) {
    this(config, new DeadLetterRefusals(deadLetters, clock), true, registry, clock);
  }

  /**
   * A sink that never holds: every event Fluentd refuses alone goes to {@code refused} at once (for
   * {@code dead-letters replay}, which reports them instead of waiting).
   */
  public static FluentdSink withoutHolds(
      FluentdSinkConfig config, RefusedEvents refused, MeterRegistry registry, Clock clock) {
    return new FluentdSink(config, refused, false, registry, clock);
  }

  private FluentdSink(
      FluentdSinkConfig config,
      RefusedEvents refused,
      boolean holds,
      MeterRegistry registry,
      Clock clock) {
    this.tls = ClientTls.load(config.caFile(), config.certFile(), config.keyFile());
    this.parts = new SinkParts(config, refused, holds, registry, clock);
    this.group =
        new NioEventLoopGroup(
            Math.min(2, Runtime.getRuntime().availableProcessors()),
            new DefaultThreadFactory("fluentd-sink", true));
    this.bootstrap =
        new Bootstrap()
            .group(this.group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_KEEPALIVE, true);
  }

  @Override
  public CompletableFuture<DeliveryReport> send(URI url, List<byte[]> records) {
    HttpTarget target = HttpTarget.of(url);
    if (parts.closed()) {
      return CompletableFuture.failedFuture(new SinkClosedException());
    }
    if (records.isEmpty()) {
      return CompletableFuture.completedFuture(DeliveryReport.EMPTY);
    }
    if (parts.config.bareObjects() && records.size() > 1) {
      throw new IllegalArgumentException(
          "one event per request (bare objects), got " + records.size());
    }
    Delivery delivery = new Delivery(parts, url, pool(target), records, group.next());
    parts.pending.add(delivery);
    if (parts.closed()) {
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
    if (!parts.closed()) {
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
                parts.config.maxConnections(),
                parts.config.requestTimeout(),
                parts.metrics));
  }

  @Override
  public SinkHealth health() {
    return parts.health();
  }

  @Override
  public void close() {
    if (parts.closed()) {
      return;
    }
    parts.close();
    for (Delivery delivery : parts.pending) {
      delivery.fail();
    }
    pools.values().forEach(ConnectionPool::close);
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    parts.refusals.close();
  }
}
