package eventhandler.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import eventhandler.demo.LocalStack;
import eventhandler.sim.SimulatedCluster;
import eventhandler.sim.fluentd.FluentdReceiver;
import eventhandler.sim.fluentd.FluentdReceiverBuilder;
import eventhandler.startup.Launcher;
import eventhandler.testing.BackgroundStart;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * One end-to-end set-up: a simulated Teleport cluster and a Fluentd-compatible receiver (a {@link
 * LocalStack}, with the files {@code configure} writes) and a storage directory, with ways to run
 * {@code start} against them, in this JVM or as a child JVM, as often as a test needs.
 */
final class E2eRun implements AutoCloseable {
  private final LocalStack stack;
  private final Path storage;
  private final Path directory;
  private int children;

  private E2eRun(LocalStack stack, Path directory) {
    this.stack = stack;
    this.directory = directory;
    this.storage = directory.resolve("storage");
  }

  /** Starts {@code cluster} (not started yet) and a receiver keeping records in memory. */
  static E2eRun start(Path directory, SimulatedCluster cluster) throws IOException {
    return start(directory, cluster, UnaryOperator.identity());
  }

  static E2eRun start(
      Path directory, SimulatedCluster cluster, UnaryOperator<FluentdReceiverBuilder> receiver)
      throws IOException {
    return new E2eRun(
        LocalStack.start(directory, cluster, builder -> receiver.apply(builder.storeInMemory())),
        directory);
  }

  SimulatedCluster cluster() {
    return stack.cluster();
  }

  FluentdReceiver receiver() {
    return stack.receiver();
  }

  /** The state directory {@code start} keeps for this cluster, {@code <storage>/<host>_<port>}. */
  Path stateDir() {
    return storage.resolve(cluster().authAddress().replace(':', '_'));
  }

  String receiverAuditUrl() {
    return stack.auditUrl();
  }

  String receiverSessionUrl() {
    return stack.sessionUrl();
  }

  Path deadLetterFile() {
    return stateDir().resolve("dead-letter.jsonl");
  }

  /** The arguments of {@code start} for this set-up, then {@code extra}. */
  List<String> arguments(String... extra) {
    return stack.startArguments(storage, extra);
  }

  /** What arrived at the receiver, judged against what the cluster holds. */
  DeliveryCheck check() {
    return DeliveryCheck.of(cluster(), receiver());
  }

  // ---- start in this JVM ----------------------------------------------------------------------

  /** Runs {@code start} in a thread of this JVM, through the real command line. */
  BackgroundStart startInProcess(String... extra) {
    return BackgroundStart.launch(Launcher.Options.defaults(), arguments(extra));
  }

  /** Runs {@code start --exit-on-last-event} in this JVM to its end; returns the exit code. */
  int runToEnd(Duration timeout, String... extra) {
    List<String> flags = new ArrayList<>(List.of(extra));
    flags.add("--exit-on-last-event=true");
    return startInProcess(flags.toArray(String[]::new)).await(timeout).exitCode();
  }

  // ---- start as a child JVM -------------------------------------------------------------------

  /**
   * Runs {@code java -cp <test class path> eventhandler.Main start ...} as a child process; its
   * output goes to a file in this set-up's directory.
   */
  Child startChild(String... extra) throws IOException {
    return startChildWith(arguments(extra));
  }

  /** Runs {@code java ... eventhandler.Main <arguments>} as a child process. */
  Child startChildWith(List<String> arguments) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of(
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            "eventhandler.Main"));
    command.addAll(arguments);
    Path log = directory.resolve("child-" + ++children + ".log");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new Child(process, log);
  }

  /** A child JVM running {@code start}; ended by its PID only. */
  static final class Child implements AutoCloseable {
    private final Process process;
    private final Path log;

    private Child(Process process, Path log) {
      this.process = process;
      this.log = log;
    }

    long pid() {
      return process.pid();
    }

    boolean alive() {
      return process.isAlive();
    }

    /** kill -9. */
    void kill() {
      process.destroyForcibly();
    }

    /** SIGTERM (what {@code Process.destroy} sends on Linux). */
    void terminate() {
      process.destroy();
    }

    int awaitExit(Duration timeout) {
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
    String output() {
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
  }

  /** The exit of {@code child}, with its output when the code is not {@code expected}. */
  static void assertExit(Child child, int code, int expected) {
    assertThat(code).as("exit code of start; its output:\n%s", child.output()).isEqualTo(expected);
  }

  /**
   * Session events the next run may send again after a kill or stop now: the events received so far
   * of every session whose {@code session.upload} event has not arrived, or is among the last
   * {@code recentAudit} audit records (which a checkpoint may not cover yet). Reading an upload
   * event again exports its whole recording again.
   */
  long sessionEventsAtRisk(long recentAudit) {
    List<JsonNode> audit = receiver().records(LocalStack.auditTag());
    Set<String> saved = new HashSet<>();
    for (JsonNode record : audit.subList(0, (int) Math.max(0, audit.size() - recentAudit))) {
      if (record.path("event").asText().equals("session.upload")) {
        saved.add(record.path("sid").asText());
      }
    }
    long events = 0;
    for (String sid : cluster().sessionIds()) {
      if (!saved.contains(sid)) {
        events += receiver().received(LocalStack.sessionTag(sid));
      }
    }
    return events;
  }

  /** Starts sampling what the receiver got, every 20 ms, until closed. */
  Arrivals sampleArrivals() {
    return new Arrivals(receiver());
  }

  /**
   * The receiver's audit and session record counts over time, so a test can tell how much arrived
   * in the moments before a kill (what a checkpoint may not cover yet).
   */
  static final class Arrivals implements AutoCloseable {
    /** Records received: audit, and all of them. */
    record Counts(long audit, long total) {
      long session() {
        return total - audit;
      }

      Counts minus(Counts other) {
        return new Counts(audit - other.audit, total - other.total);
      }

      Counts plus(Counts other) {
        return new Counts(audit + other.audit, total + other.total);
      }
    }

    private record Sample(long nanos, Counts counts) {}

    private final FluentdReceiver receiver;
    private final ConcurrentLinkedDeque<Sample> samples = new ConcurrentLinkedDeque<>();
    private final ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "e2e-arrivals");
              thread.setDaemon(true);
              return thread;
            });

    private Arrivals(FluentdReceiver receiver) {
      this.receiver = receiver;
      sample();
      timer.scheduleAtFixedRate(this::sample, 20, 20, TimeUnit.MILLISECONDS);
    }

    private void sample() {
      samples.addLast(new Sample(System.nanoTime(), now()));
    }

    Counts now() {
      return new Counts(receiver.received(LocalStack.auditTag()), receiver.totalRecords());
    }

    /** What arrived in the last {@code window} (from the newest sample at least that old). */
    Counts within(Duration window) {
      long cutoff = System.nanoTime() - window.toNanos();
      Counts before = samples.peekFirst().counts();
      for (Sample sample : samples) {
        if (sample.nanos() > cutoff) {
          break;
        }
        before = sample.counts();
      }
      return now().minus(before);
    }

    @Override
    public void close() {
      timer.shutdownNow();
    }
  }

  @Override
  public void close() {
    stack.close();
  }
}
