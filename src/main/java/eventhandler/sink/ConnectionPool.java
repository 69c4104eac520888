package eventhandler.sink;

import eventhandler.sink.ExchangeResult.Failure;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLException;

/**
 * Up to {@code maxConnections} keep-alive connections to one Fluentd host:port, one request in
 * flight on each. A request takes an idle connection, or opens a new one while there are fewer than
 * the maximum, or else waits in line for the next connection that frees up.
 */
final class ConnectionPool {
  /**
   * Idle connections older than this are closed instead of reused: Fluentd closes connections idle
   * for 10 s, and a request sent just as it does so would be lost on the wire (and repeated).
   */
  static final Duration IDLE_REUSE_LIMIT = Duration.ofSeconds(5);

  private final HttpTarget target;
  private final Bootstrap bootstrap;
  private final ClientTls tls;
  private final int maxConnections;
  private final Duration timeout;
  private final FluentdSinkMetrics metrics;

  private final ArrayDeque<Exchange> waiting = new ArrayDeque<>();
  private final ArrayDeque<PooledConnection> idle = new ArrayDeque<>();
  private final Set<PooledConnection> all = new HashSet<>();
  private int open;
  private boolean closed;

  ConnectionPool(
      HttpTarget target,
      Bootstrap bootstrap,
      ClientTls tls,
      int maxConnections,
      Duration timeout,
      FluentdSinkMetrics metrics) {
    this.target = target;
    this.bootstrap = bootstrap;
    this.tls = tls;
    this.maxConnections = maxConnections;
    this.timeout = timeout;
    this.metrics = metrics;
  }

  /** Sends {@code exchange} as soon as a connection is free. */
  void execute(Exchange exchange) {
    PooledConnection connection = null;
    boolean connect = false;
    boolean isClosed;
    List<PooledConnection> stale = new ArrayList<>(0);
    synchronized (this) {
      isClosed = closed;
      if (!isClosed) {
        connection = takeIdle(stale);
        if (connection == null) {
          if (open < maxConnections) {
            open++;
            connect = true;
          } else {
            waiting.addLast(exchange);
          }
        }
      }
    }
    // Closed outside the lock: closing on the event loop runs the close listener at once.
    stale.forEach(idleTooLong -> idleTooLong.channel().close());
    if (isClosed) {
      exchange.complete(ExchangeResult.failed(Failure.SINK_CLOSED, null));
    } else if (connection != null) {
      connection.run(exchange);
    } else if (connect) {
      connect(exchange);
    }
  }

  /**
   * Opens a connection ahead of the first request, if none is open yet, and keeps it idle: the TLS
   * handshake then overlaps whatever the caller does before it sends.
   */
  void connectAhead() {
    synchronized (this) {
      if (closed || open > 0) {
        return;
      }
      open++;
    }
    connect(null);
  }

  /** A connection finished its request; hand it the next waiting one or keep it idle. */
  void release(PooledConnection connection) {
    long now = System.nanoTime();
    Exchange next;
    synchronized (this) {
      if (closed || !connection.usable(now, Long.MAX_VALUE)) {
        return; // its close listener does the bookkeeping
      }
      next = waiting.pollFirst();
      if (next == null) {
        connection.markIdle(now);
        idle.addFirst(connection);
        return;
      }
    }
    connection.run(next);
  }

  void close() {
    List<Exchange> abandoned;
    List<PooledConnection> connections;
    synchronized (this) {
      closed = true;
      abandoned = new ArrayList<>(waiting);
      waiting.clear();
      idle.clear();
      connections = new ArrayList<>(all);
    }
    for (Exchange exchange : abandoned) {
      exchange.complete(ExchangeResult.failed(Failure.SINK_CLOSED, null));
    }
    for (PooledConnection connection : connections) {
      Channel channel = connection.channel();
      if (channel != null) {
        channel.close();
      }
    }
  }

  synchronized int openConnections() {
    return open;
  }

  /** The most recently used idle connection still fit for use; unfit ones go to {@code stale}. */
  private PooledConnection takeIdle(List<PooledConnection> stale) {
    long now = System.nanoTime();
    long limit = IDLE_REUSE_LIMIT.toNanos();
    PooledConnection connection;
    while ((connection = idle.pollFirst()) != null) {
      if (connection.usable(now, limit)) {
        return connection;
      }
      stale.add(connection); // its close listener updates the count
    }
    return null;
  }

  private void connect(Exchange first) {
    PooledConnection connection = new PooledConnection(this, target, timeout.toNanos(), metrics);
    Bootstrap connectionBootstrap =
        bootstrap
            .clone()
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel channel) {
                    if (tls != null) {
                      channel
                          .pipeline()
                          .addLast(
                              "tls",
                              tls.newHandler(
                                  channel.alloc(), target.host(), target.port(), timeout));
                    }
                    channel.pipeline().addLast("http", new HttpClientCodec());
                    channel.pipeline().addLast("exchange", connection);
                  }
                });
    metrics.connectionsOpened.increment();
    ChannelFuture connecting = connectionBootstrap.connect(target.host(), target.port());
    Channel channel = connecting.channel();
    connection.attach(channel);
    synchronized (this) {
      all.add(connection);
    }
    metrics.openConnections.incrementAndGet();
    channel.closeFuture().addListener(closedFuture -> onClosed(connection));
    connecting.addListener(
        connected -> {
          if (!connected.isSuccess()) {
            if (first != null) {
              first.complete(
                  ExchangeResult.failed(connectFailure(connected.cause()), connected.cause()));
            }
            channel.close();
            return;
          }
          SslHandler ssl = channel.pipeline().get(SslHandler.class);
          if (ssl == null) {
            onReady(connection, first);
            return;
          }
          ssl.handshakeFuture()
              .addListener(
                  handshake -> {
                    if (handshake.isSuccess()) {
                      onReady(connection, first);
                    } else {
                      Throwable cause = handshake.cause();
                      Failure failure =
                          cause instanceof SslHandshakeTimeoutException
                              ? Failure.TIMEOUT
                              : Failure.TLS;
                      if (cause instanceof ClosedChannelException) {
                        // Closed before any TLS alert: Fluentd stopping (or restarting) closes
                        // the connections it just accepted, which says nothing about
                        // certificates; a refused certificate comes with an alert.
                        failure = Failure.CLOSED;
                        cause =
                            new IOException(
                                "Fluentd closed the connection during the TLS handshake", cause);
                      }
                      if (first != null) {
                        first.complete(ExchangeResult.failed(failure, cause));
                      }
                      channel.close();
                    }
                  });
        });
  }

  private void onReady(PooledConnection connection, Exchange first) {
    boolean isClosed;
    synchronized (this) {
      isClosed = closed;
    }
    if (isClosed) {
      if (first != null) {
        first.complete(ExchangeResult.failed(Failure.SINK_CLOSED, null));
      }
      connection.channel().close();
      return;
    }
    if (first == null) {
      release(connection); // opened ahead: to a waiting request, or idle
    } else {
      connection.run(first);
    }
  }

  private void onClosed(PooledConnection connection) {
    metrics.openConnections.decrementAndGet();
    Exchange next = null;
    synchronized (this) {
      all.remove(connection);
      idle.remove(connection);
      open--;
      if (!closed && open < maxConnections) {
        next = waiting.pollFirst();
        if (next != null) {
          open++;
        }
      }
    }
    if (next != null) {
      connect(next);
    }
  }

  private static Failure connectFailure(Throwable cause) {
    if (cause instanceof ConnectTimeoutException) {
      return Failure.TIMEOUT;
    }
    if (cause instanceof SSLException) {
      return Failure.TLS;
    }
    return Failure.CONNECT;
  }
}
