package eventhandler.bench;

import eventhandler.demo.InProcessStart;
import eventhandler.demo.LocalStack;
import eventhandler.files.FileTrees;
import eventhandler.sim.SimulatedCluster;
import eventhandler.sim.fluentd.FluentdReceiverBuilder;
import eventhandler.startup.ExportRunner;
import eventhandler.startup.Launcher;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code bench}: a simulated cluster with a backlog of audit events (and recordings), the real
 * {@code start} pipeline run in this process, and the built-in receiver (counting only) or a
 * Fluentd of the user's; then, against the same endpoint, the raw capacity of a plain poster, and
 * optionally a cold start of a new {@code start} process. Prints one report.
 */
public final class Benchmark {
  static final String LATENCY_TIMER = "eventhandler.fluentd.request.latency";

  private final BenchOptions options;
  private final PrintWriter out;
  private final PrintWriter err;

  public Benchmark(BenchOptions options, PrintWriter out, PrintWriter err) {
    this.options = options;
    this.out = out;
    this.err = err;
  }

  /**
   * Runs it all and prints the report.
   *
   * @param startCommand runs a {@code start} command line with the given export runner (the real
   *     command line parser, so flags behave as for a user) and returns its exit code
   */
  public int run(StartCommandLine startCommand) throws IOException, InterruptedException {
    boolean temporary = options.directory().isEmpty();
    Path dir =
        temporary ? Files.createTempDirectory("event-handler-bench-") : options.directory().get();
    try {
      return run(startCommand, dir);
    } finally {
      if (temporary) {
        // Nothing in it is of use after the report, and it holds private keys.
        FileTrees.deleteRecursively(dir);
        out.printf("  removed the temporary directory %s (--dir keeps the files)%n", dir);
      } else {
        out.printf("  files left in %s (with the CA and client private keys)%n", dir);
      }
      out.flush();
    }
  }

  private int run(StartCommandLine startCommand, Path dir)
      throws IOException, InterruptedException {
    try (LocalStack stack = countingStack(dir, options.seed(), options.events())) {
      String target =
          options.fluentd().map(f -> f.url().toString()).orElse(stack.auditUrl() + " (built-in)");
      out.printf(
          "bench: %,d audit events, session share %s, into %s%n",
          options.events(), options.sessionShare(), target);
      out.printf(
          "  settings: fluentd-batch-size=%d, concurrency=%d, fluentd-max-connections=%s%s%n",
          options.batchSize(),
          options.concurrency(),
          options.maxConnections().map(String::valueOf).orElse("default"),
          options.startFlags().isEmpty() ? "" : ", " + String.join(" ", options.startFlags()));
      out.printf(
          "  teleport latency: %s; audit source: %s%n",
          options.latency().describe(), options.searchPath() ? "search" : "bulk export");
      out.flush();
      if (options.warmUpEvents() > 0) {
        warmUp(dir.resolve("warm-up"), startCommand);
      }
      PipelineFigures pipeline = runPipeline(stack, dir, startCommand, true);
      Completeness completeness = completeness(stack, pipeline); // before the raw poster adds more
      RawPoster.Result raw = new RawCapacity(options).run(stack);
      long coldStart = options.coldStart() ? coldStart(stack, dir) : -1;
      new BenchReport(options, out).print(pipeline, raw, coldStart, completeness);
      return pipeline.exitCode() == 0 && completeness.complete() ? 0 : 1;
    }
  }

  /** Runs a {@code start} argument list with a given export runner; returns its exit code. */
  public interface StartCommandLine {
    int execute(List<String> arguments, ExportRunner runner);
  }

  /**
   * Exports a backlog of another cluster first, so the measured run finds the JIT compilers done
   * with the hot code (on 2 cores they otherwise take a good part of the first minute).
   */
  private void warmUp(Path dir, StartCommandLine startCommand)
      throws IOException, InterruptedException {
    try (LocalStack stack = countingStack(dir, options.seed() + 1, options.warmUpEvents())) {
      PipelineFigures figures = runPipeline(stack, dir, startCommand, false);
      out.printf(
          "  warm-up: %,d audit + %,d session events in %.1f s (not counted)%n",
          figures.last().audit(), figures.last().session(), figures.wallNanos() / 1e9);
      out.flush();
    }
  }

  /** A stack whose cluster has {@code events} audit events and whose receiver only counts. */
  private LocalStack countingStack(Path dir, long seed, long events) throws IOException {
    SimulatedCluster cluster =
        SimulatedCluster.builder()
            .seed(seed)
            .events(events)
            .sessionShare(options.sessionShare())
            .recordingLength(options.recordingMin(), options.recordingMax())
            .bulkExport(!options.searchPath())
            .teleportLatency(options.latency().perCall(), options.latency().perEvent())
            .build();
    return LocalStack.start(dir, cluster, FluentdReceiverBuilder::countOnly);
  }

  private PipelineFigures runPipeline(
      LocalStack stack, Path dir, StartCommandLine startCommand, boolean measured)
      throws InterruptedException {
    List<String> arguments = startArguments(stack, dir.resolve("storage"));
    boolean steady = measured && !options.duration().isZero();
    arguments.add("--exit-on-last-event=" + !steady);
    arguments.addAll(options.startFlags());

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(wholeRunPercentiles());
    try (InProcessStart start =
            new InProcessStart(
                "bench-timer", Launcher.Options.defaults().withRegistry(registry), err);
        MemoryWatch memory = new MemoryWatch();
        CpuWatch cpu = new CpuWatch();
        DeliveryWatch deliveries = new DeliveryWatch(registry)) {
      if (measured) {
        scheduleProgress(start.timer(), deliveries, memory);
      }
      if (steady) {
        scheduleSteadyRun(stack, start);
      }
      int code = startCommand.execute(arguments, start::run);
      long wall = System.nanoTime() - deliveries.atStart().nanos();
      deliveries.close(); // the last counts, before the figures are read
      Timer latency = registry.find(LATENCY_TIMER).timer();
      long sessionsFinished = functionCount(registry.find("eventhandler.sessions.finished"));
      long sessionSkipped =
          functionCount(registry.find("eventhandler.events.skipped").tag("kind", "session"));
      return new PipelineFigures(
          code,
          wall,
          deliveries.now(),
          deliveries.atFirstDelivery(),
          deliveries.firstDeliveryAfterStartNanos(),
          deliveries.deliverySpanNanos(),
          latency == null ? null : latency.takeSnapshot(),
          memory.peakHeapUsed(),
          memory.maxHeap(),
          memory.heapAfterLastGc(),
          MemoryWatch.peakRss(),
          sessionsFinished,
          sessionSkipped,
          cpu.secondsByGroup(),
          cpu.processSeconds());
    }
  }

  private static long functionCount(Search search) {
    var counter = search.functionCounter();
    return counter == null ? 0 : (long) counter.count();
  }

  /** The start arguments for the stack, pointed at the user's Fluentd if one was given. */
  private List<String> startArguments(LocalStack stack, Path storage) {
    List<String> arguments = new ArrayList<>(stack.startArguments(storage));
    arguments.add("--fluentd-batch-size=" + options.batchSize());
    arguments.add("--concurrency=" + options.concurrency());
    options.maxConnections().ifPresent(n -> arguments.add("--fluentd-max-connections=" + n));
    options
        .fluentd()
        .ifPresent(
            fluentd -> {
              // Later flags win: these replace the stack's receiver and its files.
              arguments.add("--fluentd-url=" + fluentd.url());
              arguments.add("--fluentd-session-url=" + fluentd.sessionUrl());
              arguments.add("--fluentd-ca=" + fluentd.ca());
              arguments.add("--fluentd-cert=" + fluentd.cert());
              arguments.add("--fluentd-key=" + fluentd.key());
            });
    return arguments;
  }

  /**
   * Percentiles over the whole run for the request latency timer (the sink publishes only a
   * histogram, and Micrometer's percentiles otherwise cover a rolling two minutes).
   */
  private static MeterFilter wholeRunPercentiles() {
    return new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(
          Meter.Id id, DistributionStatisticConfig config) {
        if (!id.getName().equals(LATENCY_TIMER)) {
          return config;
        }
        return DistributionStatisticConfig.builder()
            .percentiles(0.5, 0.99)
            .expiry(Duration.ofDays(1))
            .bufferLength(1)
            .build()
            .merge(config);
      }
    };
  }

  /** Live events while the steady run lasts, and its end. */
  private void scheduleSteadyRun(LocalStack stack, InProcessStart start) {
    ScheduledExecutorService timer = start.timer();
    // Once a second: the simulator keeps one small record per append.
    if (options.liveRate() > 0) {
      timer.scheduleAtFixedRate(
          () -> stack.cluster().appendLiveEvents(options.liveRate()), 1, 1, TimeUnit.SECONDS);
    }
    timer.schedule(start::stop, options.duration().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** A progress line every so often: rate since the last line, heap after GC, RSS. */
  private void scheduleProgress(
      ScheduledExecutorService timer, DeliveryWatch deliveries, MemoryWatch memory) {
    long every = options.reportEvery().toMillis();
    if (every <= 0) {
      return;
    }
    long started = deliveries.atStart().nanos();
    AtomicReference<DeliveryWatch.Snapshot> previous = new AtomicReference<>(deliveries.atStart());
    memory.afterGcRangeSinceLastCall();
    timer.scheduleAtFixedRate(
        () -> {
          DeliveryWatch.Snapshot now = deliveries.now();
          DeliveryWatch.Snapshot before = previous.getAndSet(now);
          double seconds = (now.nanos() - before.nanos()) / 1e9;
          long[] afterGc = memory.afterGcRangeSinceLastCall();
          out.printf(
              "  [%5.0f s] %,d audit + %,d session events delivered (%,.0f events/s);"
                  + " heap after GC %s..%s MB (%d GCs in all); RSS %s MB%n",
              (now.nanos() - started) / 1e9,
              now.audit(),
              now.session(),
              (now.events() - before.events()) / seconds,
              BenchReport.megabytes(afterGc[0]),
              BenchReport.megabytes(afterGc[1]),
              memory.collections(),
              BenchReport.megabytes(MemoryWatch.currentRss()));
          out.flush();
        },
        every,
        every,
        TimeUnit.MILLISECONDS);
  }

  private long coldStart(LocalStack stack, Path dir) throws IOException, InterruptedException {
    List<String> arguments =
        stack.startArguments(
            dir.resolve("cold-start-storage"), "--fluentd-batch-size=" + options.batchSize());
    return ColdStartProbe.run(
        options.coldStartJavaOptions(), arguments, stack.receiver(), dir.resolve("cold-start.log"));
  }

  private Completeness completeness(LocalStack stack, PipelineFigures pipeline) {
    SimulatedCluster cluster = stack.cluster();
    if (!options.duration().isZero()) {
      return new Completeness(-1, -1, true, "steady run: stopped after the duration");
    }
    long expectedAudit = cluster.auditEventCount();
    long expectedSessions = options.sessionShare() > 0 ? cluster.sessionIds().size() : 0;
    long audit = pipeline.last().audit();
    boolean complete = audit >= expectedAudit && pipeline.sessionsFinished() >= expectedSessions;
    String note = "";
    if (options.fluentd().isEmpty()) {
      long received = stack.receiver().received(LocalStack.auditTag());
      complete &= received >= expectedAudit;
      note = String.format("receiver has %,d audit records", received);
    }
    return new Completeness(expectedAudit, expectedSessions, complete, note);
  }
}
