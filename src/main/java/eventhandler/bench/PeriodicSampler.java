package eventhandler.bench;

import java.time.Duration;

/**
 * A daemon thread that runs one sampling task at a fixed pause until closed: the watches of a bench
 * run read the JVM or the export's counters this way, beside the run and without a pool.
 */
final class PeriodicSampler implements AutoCloseable {
  private final Thread thread;
  private volatile boolean running = true;

  /** Starts sampling now: {@code sample} runs at once, then after every {@code pause}. */
  PeriodicSampler(String threadName, Duration pause, Runnable sample) {
    thread =
        new Thread(
            () -> {
              while (running) {
                sample.run();
                try {
                  Thread.sleep(pause.toMillis(), pause.toNanosPart() % 1_000_000);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            threadName);
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
