package eventhandler.demo;

import eventhandler.config.Settings;
import eventhandler.startup.Launcher;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The export of a {@code start} command line run in this process, as {@code demo} and {@code bench}
 * run it: {@link #run} is the export runner to hand to the command line, and the {@link Launcher}
 * it creates can be watched ({@link #job()}) and stopped ({@link #stop()}) from other threads. A
 * daemon timer runs what goes on beside the export (progress lines, live events, a timed end) until
 * {@link #close()}.
 */
public final class InProcessStart implements AutoCloseable {
  private final Launcher.Options options;
  private final PrintWriter err;
  private final AtomicReference<Launcher> job = new AtomicReference<>();
  private final ScheduledExecutorService timer;

  /**
   * @param timerName the name of the timer thread
   * @param err where the job writes what the user must see
   */
  public InProcessStart(String timerName, Launcher.Options options, PrintWriter err) {
    this.options = options;
    this.err = err;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, timerName);
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Runs the export with the settings {@code start} validated; returns its exit code. */
  public int run(Settings settings) {
    Launcher started = new Launcher(Clock.systemUTC(), err, options);
    job.set(started);
    return started.run(settings);
  }

  /** The running export, once {@code start} got as far as running it. */
  public Optional<Launcher> job() {
    return Optional.ofNullable(job.get());
  }

  /**
   * Stops the export as SIGTERM would.
   *
   * @return false when the export has not begun yet (nothing was stopped)
   */
  public boolean stop() {
    Launcher running = job.get();
    if (running == null) {
      return false;
    }
    running.stop();
    return true;
  }

  /** For what runs beside the export; its tasks end with {@link #close()}. */
  public ScheduledExecutorService timer() {
    return timer;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
