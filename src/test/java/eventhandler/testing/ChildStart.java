package eventhandler.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A child JVM running {@code start} (made by {@link E2eRun#startChild}); ended by its PID only. */
public record ChildStart(Process process, Path log) implements AutoCloseable {
  /**
   * Runs {@code java javaOptions... -cp <test class path> eventhandler.Main arguments...} with its
   * standard output and error in {@code log}.
   */
  public static ChildStart launch(List<String> javaOptions, List<String> arguments, Path log)
      throws IOException {
    return launch(javaOptions, arguments, Map.of(), log);
  }

  /** As {@link #launch(List, List, Path)}, with {@code environment} added to this process's. */
  public static ChildStart launch(
      List<String> javaOptions, List<String> arguments, Map<String, String> environment, Path log)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(javaOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "eventhandler.Main"));
    command.addAll(arguments);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(environment);
    Process process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new ChildStart(process, log);
  }

  public long pid() {
    return process.pid();
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** kill -9. */
  public void kill() {
    process.destroyForcibly();
  }

  /** SIGTERM (what {@code Process.destroy} sends on Linux). */
  public void terminate() {
    process.destroy();
  }

  /** SIGHUP, sent to its PID with {@code kill -HUP}: {@code start} re-reads its credentials. */
  public void hangUp() {
    try {
      Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(pid())).inheritIO().start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new AssertionError("kill -HUP " + pid() + " failed");
      }
    } catch (IOException e) {
      throw new AssertionError("cannot run kill -HUP " + pid(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(
            "child " + pid() + " did not exit within " + timeout + "; its output:\n" + output());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** The child's standard output and error so far. */
  public String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  /** Kills the child if a test left it running. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The exit of {@code child}, with its output when the code is not {@code expected}. */
  public static void assertExit(ChildStart child, int code, int expected) {
    assertThat(code).as("exit code of start; its output:\n%s", child.output()).isEqualTo(expected);
  }
}
