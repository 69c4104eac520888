package eventhandler.cli;

import eventhandler.config.GoDuration;
import eventhandler.demo.DemoFollow;
import eventhandler.demo.DemoProgress;
import eventhandler.demo.DemoTally;
import eventhandler.demo.InProcessStart;
import eventhandler.demo.LocalStack;
import eventhandler.files.FileErrors;
import eventhandler.logging.JulBridge;
import eventhandler.sim.SimulatedCluster;
import eventhandler.startup.Launcher;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code demo}: the whole job on loopback with nothing but Java. A simulated Teleport cluster and a
 * Fluentd-compatible receiver start, {@code configure} writes the mTLS files into a directory, and
 * the real {@code start} exports every audit event and session recording, with auto-lock on.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    header = "Run the whole export on this machine against a simulated cluster.",
    description = {
      "A simulated Teleport cluster and a Fluentd-compatible receiver start on loopback,"
          + " 'configure' writes its files into a directory, and the real 'start' exports the"
          + " cluster's audit events and session recordings, with auto-lock on. Ends with a"
          + " summary that says what was delivered and which files were left where."
    })
final class DemoCommand extends SimulatedClusterCommand {
  @Option(
      names = "--events",
      paramLabel = "<n>",
      defaultValue = "20000",
      description = "Audit events in the simulated cluster's history.")
  long events;

  @Option(
      names = "--session-share",
      paramLabel = "<share>",
      defaultValue = "0.01",
      description = "Share of the events that are recorded sessions (0 to 0.5).")
  double sessionShare;

  @Option(
      names = "--duration",
      paramLabel = "<duration>",
      defaultValue = "0s",
      description =
          "After the backlog, keep running this long (Go duration, e.g. 30s) while the cluster"
              + " produces new events; 0s stops at the last event.")
  String duration;

  @Option(
      names = "--dir",
      paramLabel = "<path>",
      description =
          "Directory for the generated files, state and received records (default: a new"
              + " temporary directory). Kept after the demo.")
  Path directory;

  @Option(
      names = "--progress-every",
      paramLabel = "<duration>",
      defaultValue = "1s",
      description = "How often a progress line is printed (Go duration).")
  String progressEvery;

  private static final String HISTORY_LOCK_PERIOD = "168h";

  DemoCommand(PrintWriter out, PrintWriter err) {
    super(out, err);
  }

  @Override
  public Integer call() throws IOException {
    JulBridge.install();
    Duration follow;
    Duration progressInterval;
    try {
      follow = GoDuration.parse(duration);
      progressInterval = GoDuration.parse(progressEvery);
    } catch (IllegalArgumentException e) {
      err.println(
          "error: --duration and --progress-every take Go durations like 30s: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    if (events < 1
        || sessionShare < 0
        || sessionShare > 0.5
        || follow.isNegative()
        || progressInterval.compareTo(Duration.ofMillis(10)) < 0) {
      err.println(
          "error: --events must be at least 1, --session-share within 0 to 0.5, --duration not"
              + " negative and --progress-every at least 10ms");
      return ExitCodes.USAGE;
    }
    Path dir;
    Path received;
    try {
      dir = directory != null ? directory : Files.createTempDirectory("event-handler-demo-");
      received = dir.resolve("received");
      Files.createDirectories(received);
    } catch (FileSystemException e) {
      err.println(
          "error: cannot create the demo's directory "
              + FileErrors.describe(e)
              + "; give --dir a directory you can write to");
      return ExitCodes.FAILURE;
    }
    SimulatedCluster cluster =
        SimulatedCluster.builder().seed(seed).events(events).sessionShare(sessionShare).build();
    out.printf("Starting a simulated Teleport cluster with %,d audit events%n", events);
    out.flush();
    try (LocalStack stack = LocalStack.start(dir, cluster, r -> r.storeInFiles(received))) {
      out.printf(
          "Cluster %s at %s; Fluentd receiver at %s%nFiles of 'configure' in %s%n%n",
          cluster.clusterName(), cluster.authAddress(), stack.auditUrl(), dir);
      out.flush();
      long started = System.nanoTime();
      int code = runStart(stack, follow, progressInterval, started);
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      return summarize(stack, received, took, code);
    }
  }

  private int runStart(LocalStack stack, Duration follow, Duration progressEvery, long started) {
    List<String> arguments = new ArrayList<>();
    arguments.addAll(
        stack.startArguments(
            stack.directory().resolve("storage"),
            "--lock-enabled=true",
            "--lock-failed-attempts-count=3",
            // Auto-lock counts failures by event time; the simulated history is a week long and
            // its failed logins are spread over it, so the demo's period spans the whole week.
            "--lock-period=" + HISTORY_LOCK_PERIOD));
    if (follow.isZero()) {
      arguments.add("--exit-on-last-event=true");
    } else {
      arguments.add("--timeout=1s");
    }
    try (InProcessStart start =
        new InProcessStart("demo-timer", Launcher.Options.defaults(), err)) {
      DemoProgress progress = new DemoProgress(stack, start, started, out);
      start
          .timer()
          .scheduleAtFixedRate(
              progress::print,
              progressEvery.toMillis(),
              progressEvery.toMillis(),
              TimeUnit.MILLISECONDS);
      if (!follow.isZero()) {
        new DemoFollow(stack, start, follow).start(start.timer());
      }
      // The real command line, in an environment of its own so FDFWD_* variables of the shell
      // cannot point the demo elsewhere.
      return new RootCommand(Map.of(), out, err, start::run)
          .execute(arguments.toArray(String[]::new));
    }
  }

  private int summarize(LocalStack stack, Path received, Duration took, int code) {
    DemoTally tally = DemoTally.of(stack);
    List<String> lockedUsers =
        stack.cluster().locks().stream()
            .map(lock -> lock.getSpec().getTarget().getUser())
            .distinct()
            .sorted()
            .toList();
    double seconds = Math.max(took.toMillis(), 1) / 1000.0;
    out.println();
    out.printf("Demo finished in %.1f s (start exited with %d)%n", seconds, code);
    out.printf(
        "  audit events delivered:   %,d of %,d (%,.0f events/s)%n",
        tally.audit(), tally.expectedAudit(), tally.audit() / seconds);
    out.printf(
        "  session events delivered: %,d of %,d, from %d recorded sessions (print events skipped)%n",
        tally.sessionEvents(), tally.expectedSessionEvents(), tally.sessions());
    out.printf(
        "  users locked:             %d%s%n",
        lockedUsers.size(),
        lockedUsers.isEmpty()
            ? ""
            : " ("
                + String.join(", ", lockedUsers)
                + "), each after more than 3 failed logins within "
                + HISTORY_LOCK_PERIOD
                + " of event time");
    out.printf("  records received in:      %s (one JSON-lines file per tag)%n", received);
    out.printf("  state and dead letters:   %s%n", stack.directory().resolve("storage"));
    // The directory stays for a look at what arrived; it holds private keys, so say so.
    out.printf(
        "  left on disk:             %s (configure's files with the CA and client private keys,"
            + " the identity file, the records and the state); remove it with: rm -r %s%n",
        stack.directory(), stack.directory());
    boolean complete = tally.complete();
    out.println(
        complete ? "Every event arrived." : "Some events did not arrive: see the log above.");
    out.flush();
    return code == 0 && complete ? ExitCodes.OK : ExitCodes.FAILURE;
  }
}
