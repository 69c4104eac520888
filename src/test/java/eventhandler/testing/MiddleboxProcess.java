package eventhandler.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;
import java.util.stream.Stream;

/**
 * One middlebox (nginx, tinyproxy) running in the foreground as a child process of the test JVM,
 * listening on a free port of 127.0.0.1, with its configuration and logs in a directory of its own.
 *
 * <p>It is stopped by its PID only ({@link #close()}), never by name: other tests and other
 * engineers' runs may have the same program running on this machine.
 */
public final class MiddleboxProcess implements AutoCloseable {
  /** How long a middlebox may take to listen; nginx retries a busy port for 2.5 s itself. */
  static final Duration START_LIMIT = Duration.ofSeconds(15);

  /** How long SIGTERM has before SIGKILL, and SIGKILL before the stop is declared failed. */
  static final Duration STOP_GRACE = Duration.ofSeconds(5);

  /** Fresh ports to try when another process takes the picked one first. */
  static final int PORT_ATTEMPTS = 4;

  private static final int LOG_TAIL_CHARS = 6000;
  private static final String KEEP_PROPERTY = "eventhandler.testing.keepMiddleboxDirs";

  /**
   * Processes still running, killed when the JVM exits, so a test that forgot close() leaks none.
   */
  private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> RUNNING.forEach(Process::destroyForcibly), "middlebox-reaper"));
  }

  /**
   * How to run a middlebox.
   *
   * @param name what failure messages call it ("nginx L7 load balancer")
   * @param dir its own directory, deleted by {@link #close()}
   * @param configFile where {@code configForPort}'s text is written before each start
   * @param configForPort the configuration for a port to listen on
   * @param command its command line, running in the foreground (one PID, no daemon)
   * @param logs the log files it writes, shown when it fails
   */
  public record Launch(
      String name,
      Path dir,
      Path configFile,
      IntFunction<String> configForPort,
      List<String> command,
      List<Path> logs) {
    public Launch {
      command = List.copyOf(command);
      logs = List.copyOf(logs);
    }
  }

  private final Launch launch;
  private final Process process;
  private final int port;
  private final Duration startupTime;
  private final Duration stopGrace;
  private boolean closed;

  private MiddleboxProcess(
      Launch launch, Process process, int port, Duration startupTime, Duration stopGrace) {
    this.launch = launch;
    this.process = process;
    this.port = port;
    this.startupTime = startupTime;
    this.stopGrace = stopGrace;
  }

  /** A new directory for one middlebox, under the JVM's temporary directory. */
  public static Path newDirectory(String prefix) {
    try {
      return Files.createTempDirectory(prefix + "-");
    } catch (IOException e) {
      throw new UncheckedIOException("could not make a directory for " + prefix, e);
    }
  }

  /**
   * Starts the middlebox and waits until it listens on its port.
   *
   * @throws IllegalStateException when it exits or does not listen within {@link #START_LIMIT}; the
   *     message holds its configuration and logs
   */
  public static MiddleboxProcess start(Launch launch) {
    return start(launch, FreePorts::pick, START_LIMIT, STOP_GRACE);
  }

  /** {@link #start(Launch)} with the ports to try and the time limits given (for its tests). */
  static MiddleboxProcess start(
      Launch launch, IntSupplier ports, Duration startLimit, Duration stopGrace) {
    try {
      for (int attempt = 1; ; attempt++) {
        int port = ports.getAsInt();
        MiddleboxProcess started =
            tryStart(launch, port, attempt < PORT_ATTEMPTS, startLimit, stopGrace);
        if (started != null) {
          return started;
        }
      }
    } catch (RuntimeException | Error e) {
      deleteUnlessKept(launch.dir());
      throw e;
    }
  }

  /** The running middlebox, or null when another process had taken {@code port}. */
  private static MiddleboxProcess tryStart(
      Launch launch, int port, boolean mayRetry, Duration startLimit, Duration stopGrace) {
    Path console = launch.dir().resolve("console.log");
    Process process;
    long startNanos = System.nanoTime();
    try {
      for (Path log : logsOf(launch, console)) {
        Files.deleteIfExists(log); // a retry's failure shows only its own lines
      }
      Files.writeString(
          launch.configFile(), launch.configForPort().apply(port), StandardCharsets.UTF_8);
      process =
          new ProcessBuilder(launch.command())
              .directory(launch.dir().toFile())
              .redirectErrorStream(true)
              .redirectOutput(console.toFile())
              .start();
      process.getOutputStream().close();
    } catch (IOException e) {
      throw new IllegalStateException(
          "could not start " + launch.name() + " (" + String.join(" ", launch.command()) + ")", e);
    }
    RUNNING.add(process);
    try {
      return awaitListening(launch, process, port, mayRetry, startNanos, startLimit, stopGrace);
    } catch (RuntimeException e) {
      stop(process, stopGrace); // interrupted or failed: leave nothing running
      throw e;
    }
  }

  private static MiddleboxProcess awaitListening(
      Launch launch,
      Process process,
      int port,
      boolean mayRetry,
      long startNanos,
      Duration startLimit,
      Duration stopGrace) {
    Path console = launch.dir().resolve("console.log");
    long deadline = startNanos + startLimit.toNanos();
    while (true) {
      if (ListeningSockets.listens(process.toHandle(), port)) {
        return new MiddleboxProcess(
            launch, process, port, Duration.ofNanos(System.nanoTime() - startNanos), stopGrace);
      }
      if (!process.isAlive()) {
        RUNNING.remove(process);
        if (mayRetry && FreePorts.isTaken(port)) {
          return null;
        }
        throw new IllegalStateException(
            launch.name()
                + " (pid "
                + process.pid()
                + ") exited with status "
                + process.exitValue()
                + " before it listened on 127.0.0.1:"
                + port
                + "; fix its configuration or the machine as its log says.\n"
                + report(launch, console));
      }
      if (System.nanoTime() - deadline > 0) {
        stop(process, stopGrace);
        throw new IllegalStateException(
            launch.name()
                + " (pid "
                + process.pid()
                + ") did not listen on 127.0.0.1:"
                + port
                + " within "
                + startLimit.toMillis()
                + " ms; it was stopped. Its log may say why it hangs:\n"
                + report(launch, console));
      }
      sleep(Duration.ofMillis(5));
    }
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** From starting the process to its port listening. */
  public Duration startupTime() {
    return startupTime;
  }

  public Path directory() {
    return launch.dir();
  }

  /** The text of one of its files, empty when it does not exist (yet). */
  public static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return "";
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + file, e);
    }
  }

  /** Its configuration and the end of each log, for a test's failure message. */
  public String report() {
    return launch.name()
        + " (pid "
        + pid()
        + (isAlive() ? ", running" : ", exited")
        + ", 127.0.0.1:"
        + port
        + ")\n"
        + report(launch, launch.dir().resolve("console.log"));
  }

  /**
   * Stops it by its PID (SIGTERM, then SIGKILL after {@link #STOP_GRACE}), checks it is gone and
   * deletes its directory (kept when the system property {@value #KEEP_PROPERTY} is true).
   *
   * @throws IllegalStateException when the process survives SIGKILL
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stop(process, stopGrace);
    deleteUnlessKept(launch.dir());
  }

  private static void stop(Process process, Duration grace) {
    // A foreground nginx or tinyproxy has no children; any that a misconfiguration made go too.
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    if (!waitFor(process, grace)) {
      process.destroyForcibly();
      if (!waitFor(process, grace)) {
        throw new IllegalStateException(
            "pid "
                + process.pid()
                + " still runs after SIGKILL; stop it by hand: kill -9 "
                + process.pid());
      }
    }
    RUNNING.remove(process);
    for (ProcessHandle child : children) {
      child.destroyForcibly();
    }
  }

  private static boolean waitFor(Process process, Duration grace) {
    try {
      return process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }

  private static List<Path> logsOf(Launch launch, Path console) {
    List<Path> logs = new ArrayList<>(launch.logs());
    logs.add(console);
    return logs;
  }

  private static String report(Launch launch, Path console) {
    StringBuilder text = new StringBuilder();
    text.append("--- ").append(launch.configFile()).append(" ---\n");
    text.append(read(launch.configFile()));
    for (Path log : logsOf(launch, console)) {
      String content = read(log);
      if (content.length() > LOG_TAIL_CHARS) {
        content = "[...]" + content.substring(content.length() - LOG_TAIL_CHARS);
      }
      text.append("\n--- ").append(log.getFileName()).append(" ---\n").append(content);
    }
    return text.toString();
  }

  private static void deleteUnlessKept(Path dir) {
    if (Boolean.getBoolean(KEEP_PROPERTY) || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + dir, e);
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a middlebox", e);
    }
  }

  @Override
  public String toString() {
    return launch.name() + " pid " + pid() + " on 127.0.0.1:" + port;
  }
}
