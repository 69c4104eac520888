package eventhandler.pipeline.delivery;

import eventhandler.logging.WarningThrottle;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that saves delivered positions: it tracks each flow's lane and writes the lane's
 * committed position to the storage directory on a fixed beat (about twice a second under load),
 * only when it moved, and once more at shutdown, so state files are not rewritten per event.
 */
public final class Checkpointer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);

  /** Writes one flow's delivered position to the storage directory. */
  @FunctionalInterface
  public interface PositionWriter<P> {
    void write(P position) throws IOException;
  }

  /** A tracked lane. */
  public interface Tracking {
    /** Saves the lane's position one last time and stops tracking it. */
    void stop();
  }

  private final Set<Flow<?>> flows = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService scheduler;
  private final Duration interval;
  private final WarningThrottle errors;
  private ScheduledFuture<?> task;

  /** Saves on {@code scheduler} every {@code interval} once started; warnings are throttled. */
  public Checkpointer(ScheduledExecutorService scheduler, Duration interval, Clock clock) {
    this.scheduler = scheduler;
    this.interval = interval;
    this.errors = new WarningThrottle(LOG, clock, Duration.ofSeconds(30));
  }

  /**
   * Tracks {@code lane}: on every beat until stopped, its committed position is handed to {@code
   * writer} when it differs from the one saved last (at first, the lane's position now).
   */
  public <P> Tracking track(DeliveryLane<P> lane, PositionWriter<P> writer) {
    Flow<P> flow = new Flow<>(lane, writer);
    flows.add(flow);
    return () -> {
      flows.remove(flow);
      save(flow);
    };
  }

  /** Starts the beat (once). */
  public synchronized void start() {
    if (task == null) {
      long millis = interval.toMillis();
      task = scheduler.scheduleWithFixedDelay(this::saveAll, millis, millis, TimeUnit.MILLISECONDS);
    }
  }

  void saveAll() {
    for (Flow<?> flow : flows) {
      save(flow);
    }
  }

  private void save(Flow<?> flow) {
    try {
      flow.save();
    } catch (IOException | RuntimeException e) {
      errors.warn(
          "checkpoint", "could not save the export position (will retry): " + e.getMessage());
    }
  }

  @Override
  public synchronized void close() {
    if (task != null) {
      task.cancel(false);
      task = null;
    }
    saveAll();
  }

  private static final class Flow<P> {
    private final DeliveryLane<P> lane;
    private final PositionWriter<P> writer;
    private P saved;

    Flow(DeliveryLane<P> lane, PositionWriter<P> writer) {
      this.lane = lane;
      this.writer = writer;
      this.saved = lane.committed();
    }

    /**
     * Synchronized: the final save at shutdown can run while a periodic one is still writing, and a
     * position written as several files (the three files of the legacy search cursor) must come
     * from one position, or the next start finds a cursor whose page does not hold the saved id and
     * sends the whole page again.
     */
    synchronized void save() throws IOException {
      P committed = lane.committed();
      if (!Objects.equals(committed, saved)) {
        writer.write(committed);
        saved = committed;
      }
    }
  }
}
