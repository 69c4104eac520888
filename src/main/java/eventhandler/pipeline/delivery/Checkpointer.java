package eventhandler.pipeline.delivery;

import eventhandler.logging.WarningThrottle;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every flow's delivered position to the storage directory on a fixed beat (about twice a
 * second under load) and once more at shutdown, so state files are not rewritten per event.
 */
public final class Checkpointer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);

  /** A flow whose delivered position can be saved; it writes only when the position moved. */
  public interface Checkpointable {
    void checkpoint() throws IOException;
  }

  private final Set<Checkpointable> flows = ConcurrentHashMap.newKeySet();
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

  /** Tracks {@code flow}: it is saved on every beat until removed. */
  public void add(Checkpointable flow) {
    flows.add(flow);
  }

  /** Saves the flow one last time and stops tracking it. */
  public void remove(Checkpointable flow) {
    flows.remove(flow);
    save(flow);
  }

  /** Starts the beat (once). */
  public synchronized void start() {
    if (task == null) {
      long millis = interval.toMillis();
      task = scheduler.scheduleWithFixedDelay(this::saveAll, millis, millis, TimeUnit.MILLISECONDS);
    }
  }

  void saveAll() {
    for (Checkpointable flow : flows) {
      save(flow);
    }
  }

  private void save(Checkpointable flow) {
    try {
      flow.checkpoint();
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
}
