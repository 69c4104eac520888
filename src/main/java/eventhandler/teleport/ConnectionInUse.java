package eventhandler.teleport;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The way and gRPC channel a client uses now: wakes a channel that waits in its reconnect backoff,
 * chooses every way again after {@link #REDIAL_AFTER} down, and keeps the {@code
 * eventhandler_teleport_connection_way} series (1 for the way in use).
 */
final class ConnectionInUse {
  private static final Logger LOG = LoggerFactory.getLogger(GrpcTeleportClient.class);

  /** A way that has failed for this long is given up, and the ways are tried from the start. */
  static final Duration REDIAL_AFTER = Duration.ofMinutes(1);

  private final Supplier<WayChooser.Connected> redial;
  private final TeleportAddress address;
  private final Clock clock;
  private final MeterRegistry registry;
  private final Set<String> wayLabels = ConcurrentHashMap.newKeySet();
  private final Object redialLock = new Object();
  private volatile ManagedChannel channel;
  private volatile Runnable release;
  private volatile Way way;
  private volatile Instant failingSince;

  ConnectionInUse(
      WayChooser.Connected connected,
      Supplier<WayChooser.Connected> redial,
      TeleportAddress address,
      Clock clock,
      MeterRegistry registry) {
    this.channel = connected.channel();
    this.release = connected.release();
    this.way = connected.way();
    this.redial = redial;
    this.address = address;
    this.clock = clock;
    this.registry = registry;
    registerWay(way);
  }

  Way way() {
    return way;
  }

  ManagedChannel channel() {
    return channel;
  }

  /** Releases what the way holds besides the channel (its bridge), once the channel is shut. */
  void release() {
    release.run();
  }

  /** One series per way seen, 1 for the way in use. */
  private void registerWay(Way seen) {
    String label = seen.label();
    String proxied = Boolean.toString(seen.front().path().proxy().isPresent());
    if (wayLabels.add(label + "/" + proxied)) {
      Gauge.builder(
              "eventhandler.teleport.connection.way",
              this,
              in ->
                  in.way.label().equals(label)
                          && Boolean.toString(in.way.front().path().proxy().isPresent())
                              .equals(proxied)
                      ? 1
                      : 0)
          .description("1 for the way the connection to Teleport takes now")
          .tag("way", label)
          .tag("outbound_proxy", proxied)
          .register(registry);
    }
  }

  /**
   * The channel for a new call. After a failed reconnect the channel waits (up to two minutes,
   * growing) before trying again and fails calls meanwhile. The exporter already paces its retries,
   * so a new call tries at once; a way that has stayed down for {@link #REDIAL_AFTER} is dropped
   * and every way tried again.
   */
  ManagedChannel wake() {
    if (channel.getState(false) != ConnectivityState.TRANSIENT_FAILURE) {
      failingSince = null;
      return channel;
    }
    Instant now = clock.instant();
    Instant since = failingSince;
    if (since == null) {
      failingSince = now;
    } else if (Duration.between(since, now).compareTo(REDIAL_AFTER) >= 0) {
      redialFromTheStart(since, now);
      return channel;
    }
    LOG.debug("the connection to Teleport is down; reconnecting now");
    channel.resetConnectBackoff();
    return channel;
  }

  private void redialFromTheStart(Instant since, Instant now) {
    synchronized (redialLock) {
      if (failingSince == null || channel.getState(false) != ConnectivityState.TRANSIENT_FAILURE) {
        return; // another thread has just done it
      }
      Way previous = way;
      try {
        WayChooser.Connected connected = redial.get();
        Runnable old = release;
        channel = connected.channel();
        release = connected.release();
        way = connected.way();
        registerWay(way);
        failingSince = null;
        old.run();
        LOG.info(
            "reconnected to Teleport at {}, {} (the way in use, {}, had been down for {} s)",
            address,
            way.description(),
            previous.description(),
            Duration.between(since, now).toSeconds());
      } catch (TeleportException e) {
        failingSince = now; // try every way again after another REDIAL_AFTER
        LOG.debug("trying every way to Teleport again failed: {}", e.getMessage());
        channel.resetConnectBackoff();
      }
    }
  }
}
