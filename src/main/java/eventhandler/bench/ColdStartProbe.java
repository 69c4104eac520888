package eventhandler.bench;

import eventhandler.sim.fluentd.FluentdReceiver;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Times a new {@code start} process, JVM start-up included, from its launch to the first event the
 * receiver accepts from it; then ends that process (by its handle, i.e. its PID).
 */
final class ColdStartProbe {
  private static final Duration LIMIT = Duration.ofSeconds(60);

  private ColdStartProbe() {}

  /**
   * Launches {@code java <javaOptions> -cp <this class path> eventhandler.Main <startArguments>}
   * with an empty environment apart from {@code PATH}, output to {@code log}.
   *
   * @return nanoseconds from launch to the first new record at {@code receiver}, or -1 if none came
   *     within a minute or the process ended first
   */
  static long run(
      List<String> javaOptions, List<String> startArguments, FluentdReceiver receiver, Path log)
      throws IOException, InterruptedException {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(javaOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("eventhandler.Main");
    command.addAll(startArguments);
    ProcessBuilder builder = new ProcessBuilder(command);
    // FDFWD_* variables of the shell must not change what the probe does.
    String path = System.getenv("PATH");
    builder.environment().clear();
    if (path != null) {
      builder.environment().put("PATH", path);
    }
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    long before = receiver.totalRecords();
    long launched = System.nanoTime();
    Process process = builder.start();
    try {
      long deadline = launched + LIMIT.toNanos();
      while (System.nanoTime() < deadline) {
        if (receiver.totalRecords() > before) {
          return System.nanoTime() - launched;
        }
        if (!process.isAlive()) {
          return -1;
        }
        TimeUnit.MILLISECONDS.sleep(2);
      }
      return -1;
    } finally {
      process.destroy(); // SIGTERM: a graceful stop
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    }
  }
}
