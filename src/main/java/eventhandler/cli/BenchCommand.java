package eventhandler.cli;

import eventhandler.bench.BenchOptions;
import eventhandler.bench.Benchmark;
import eventhandler.config.GoDuration;
import eventhandler.logging.JulBridge;
import eventhandler.sim.data.CallLatency;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bench}: measures the real {@code start} pipeline against a simulated cluster with a
 * backlog, into the built-in receiver or a given Fluentd, next to the endpoint's raw capacity.
 *
 * <p>Over 300 lines only through its picocli options, each with the help text a user reads; the run
 * itself is in {@code eventhandler.bench}.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    header = "Measure the export's throughput, latency and memory against a simulated cluster.",
    description = {
      "A simulated Teleport cluster with a backlog of audit events (and recordings), the real"
          + " 'start' pipeline, and the built-in receiver (counting only) or the Fluentd given"
          + " with --fluentd-url. Then the endpoint's raw capacity is measured with a plain"
          + " poster of the same records, and the time a new 'start' process takes to deliver"
          + " its first event. Flags after '--' go to 'start' (e.g. -- --batch=1000)."
    })
final class BenchCommand extends SimulatedClusterCommand {
  @Option(
      names = "--events",
      paramLabel = "<n>",
      defaultValue = "200000",
      description = "Audit events in the backlog.")
  long events;

  @Option(
      names = "--warm-up",
      paramLabel = "<n>",
      defaultValue = "0",
      description =
          "Audit events of another simulated cluster exported first, not counted, so the JIT"
              + " compilers are done before the measured run.")
  long warmUp;

  @Option(
      names = "--session-share",
      paramLabel = "<share>",
      defaultValue = "0",
      description = "Share of the events that are recorded sessions (0 to 0.5).")
  double sessionShare;

  @Option(
      names = "--recording-length",
      paramLabel = "<min..max>",
      defaultValue = "20..200",
      description = "Events in one recording: MIN..MAX.")
  String recordingLength;

  @Option(
      names = "--fluentd-batch-size",
      paramLabel = "<n>",
      defaultValue = "500",
      description = "Events per request to Fluentd (start's --fluentd-batch-size).")
  int batchSize;

  @Option(
      names = "--concurrency",
      paramLabel = "<n>",
      defaultValue = "5",
      description = "Recordings exported in parallel (start's --concurrency).")
  int concurrency;

  @Option(
      names = "--fluentd-max-connections",
      paramLabel = "<n>",
      description = "Requests in flight to Fluentd (default: start's, 2 x concurrency).")
  Integer maxConnections;

  @Option(
      names = "--duration",
      paramLabel = "<duration>",
      defaultValue = "0s",
      description =
          "0s: stop at the last event of the backlog. Otherwise keep running this long (Go"
              + " duration, e.g. 10m) while the cluster adds --live-rate events per second.")
  String duration;

  @Option(
      names = "--live-rate",
      paramLabel = "<n>",
      defaultValue = "1000",
      description = "Audit events per second added during --duration.")
  int liveRate;

  @Option(
      names = "--report-every",
      paramLabel = "<duration>",
      defaultValue = "60s",
      description = "Interval of progress lines (rate, heap after GC, RSS); 0s: none.")
  String reportEvery;

  @Option(
      names = "--raw-batch",
      paramLabel = "<n>",
      defaultValue = "1000",
      description = "Records per request of the raw-capacity poster.")
  int rawBatch;

  @Option(
      names = "--raw-connections",
      paramLabel = "<n>",
      description = "Connections of the raw-capacity poster (default: the pipeline's).")
  Integer rawConnections;

  @Option(
      names = "--raw-duration",
      paramLabel = "<duration>",
      defaultValue = "5s",
      description = "Measured time of the raw-capacity poster, after 1 s of warm-up; 0s skips it.")
  String rawDuration;

  @Option(
      names = "--cold-start",
      defaultValue = "true",
      negatable = true,
      fallbackValue = "true",
      description = "Time a new 'start' process (JVM included) to its first delivered event.")
  boolean coldStart;

  @Option(
      names = "--cold-start-java-option",
      paramLabel = "<option>",
      description =
          "A JVM option for the new 'start' process of --cold-start (repeatable), e.g."
              + " -XX:SharedArchiveFile=app.jsa.")
  List<String> coldStartJavaOptions = new ArrayList<>();

  @Option(
      names = "--fluentd-url",
      paramLabel = "<url>",
      description = "A Fluentd in_http URL for audit events.")
  URI fluentdUrl;

  @Option(
      names = "--fluentd-session-url",
      paramLabel = "<url>",
      description = "Its URL prefix for session recordings (default: <fluentd-url host>/session).")
  URI fluentdSessionUrl;

  @Option(
      names = "--fluentd-ca",
      paramLabel = "<path>",
      description = "CA (PEM) of that Fluentd's server certificate.")
  Path fluentdCa;

  @Option(
      names = "--fluentd-cert",
      paramLabel = "<path>",
      description = "Client certificate (PEM) for that Fluentd.")
  Path fluentdCert;

  @Option(
      names = "--fluentd-key",
      paramLabel = "<path>",
      description = "Client key (PEM) for that Fluentd.")
  Path fluentdKey;

  @Option(
      names = "--dir",
      paramLabel = "<path>",
      description = "Directory for generated files and state (default: a new temporary one).")
  Path directory;

  @Option(
      names = "--teleport-latency",
      paramLabel = "<duration>",
      defaultValue = "0s",
      description =
          "What each call of the simulated events API costs (Go duration, e.g. 25ms), as a real"
              + " events backend (DynamoDB, Postgres, Athena) does. Calls in flight wait together.")
  String teleportLatency;

  @Option(
      names = "--teleport-latency-per-event",
      paramLabel = "<duration>",
      defaultValue = "0s",
      description = "What each event returned adds to a call of the events API (e.g. 50us).")
  String teleportLatencyPerEvent;

  @Option(
      names = "--audit-source",
      paramLabel = "<bulk|search>",
      defaultValue = "bulk",
      description =
          "bulk: the cluster serves the bulk export; search: it does not, so the search path"
              + " (GetUnstructuredEvents pages) is measured.")
  String auditSource;

  @Parameters(paramLabel = "START_FLAG", description = "Further flags for 'start', after '--'.")
  List<String> startFlags = new ArrayList<>();

  BenchCommand(PrintWriter out, PrintWriter err) {
    super(out, err);
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    JulBridge.install();
    Optional<BenchOptions> options = options();
    if (options.isEmpty()) {
      return ExitCodes.USAGE;
    }
    // start's own output (none but errors) stays out of the report.
    PrintWriter quiet = new PrintWriter(Writer.nullWriter());
    return new Benchmark(options.get(), out, err)
        .run(
            (arguments, runner) ->
                new RootCommand(Map.of(), quiet, err, runner)
                    .execute(arguments.toArray(String[]::new)));
  }

  private Optional<BenchOptions> options() {
    Duration run;
    Duration every;
    Duration raw;
    CallLatency latency;
    try {
      run = GoDuration.parse(duration);
      every = GoDuration.parse(reportEvery);
      raw = GoDuration.parse(rawDuration);
      latency =
          new CallLatency(
              GoDuration.parse(teleportLatency), GoDuration.parse(teleportLatencyPerEvent));
    } catch (IllegalArgumentException e) {
      return usage(
          "--duration, --report-every, --raw-duration and --teleport-latency[-per-event] take"
              + " non-negative Go durations: "
              + e.getMessage());
    }
    if (!auditSource.equals("bulk") && !auditSource.equals("search")) {
      return usage("--audit-source must be bulk or search, not " + auditSource);
    }
    String[] lengths = recordingLength.split("\\.\\.");
    int min;
    int max;
    try {
      min = Integer.parseInt(lengths[0].trim());
      max = Integer.parseInt(lengths[lengths.length - 1].trim());
    } catch (NumberFormatException e) {
      return usage("--recording-length must be MIN..MAX, e.g. 20..200");
    }
    if (events < 1 || warmUp < 0 || sessionShare < 0 || sessionShare > 0.5) {
      return usage(
          "--events must be at least 1, --warm-up at least 0, and --session-share within 0 to"
              + " 0.5");
    }
    if (min < 1 || max < min || batchSize < 1 || concurrency < 1 || rawBatch < 1) {
      return usage(
          "--recording-length, --fluentd-batch-size, --concurrency and --raw-batch must be"
              + " positive (and MIN <= MAX)");
    }
    if (run.isNegative() || every.isNegative() || raw.isNegative() || liveRate < 0) {
      return usage("durations and --live-rate must not be negative");
    }
    Optional<BenchOptions.ExternalFluentd> fluentd = Optional.empty();
    if (fluentdUrl != null) {
      if (fluentdCert == null || fluentdKey == null) {
        return usage("--fluentd-url needs --fluentd-cert and --fluentd-key (and --fluentd-ca)");
      }
      URI sessionUrl =
          fluentdSessionUrl != null ? fluentdSessionUrl : fluentdUrl.resolve("/session");
      fluentd =
          Optional.of(
              new BenchOptions.ExternalFluentd(
                  fluentdUrl, sessionUrl, fluentdCa, fluentdCert, fluentdKey));
    }
    return Optional.of(
        new BenchOptions(
            events,
            warmUp,
            sessionShare,
            min,
            max,
            batchSize,
            concurrency,
            Optional.ofNullable(maxConnections),
            run,
            liveRate,
            every,
            rawBatch,
            Optional.ofNullable(rawConnections),
            raw,
            coldStart,
            List.copyOf(coldStartJavaOptions),
            Optional.ofNullable(directory),
            seed,
            fluentd,
            List.copyOf(startFlags),
            latency,
            auditSource.equals("search")));
  }

  private Optional<BenchOptions> usage(String message) {
    err.println("error: " + message);
    err.flush();
    return Optional.empty();
  }
}
