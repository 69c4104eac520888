package eventhandler.bench;

import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The result block {@code bench} prints at the end of a run (BENCHMARKS.md quotes its lines). */
final class BenchReport {
  private final BenchOptions options;
  private final PrintWriter out;

  BenchReport(BenchOptions options, PrintWriter out) {
    this.options = options;
    this.out = out;
  }

  void print(PipelineFigures p, RawPoster.Result raw, long coldStart, Completeness completeness) {
    out.println();
    out.printf("Result (start exited with %d)%n", p.exitCode());
    if (completeness.expectedAudit() >= 0) {
      out.printf(
          "  delivered:               %,d of %,d audit events, %,d session events from %,d of %,d"
              + " recordings%s%n",
          p.last().audit(),
          completeness.expectedAudit(),
          p.last().session(),
          p.sessionsFinished(),
          completeness.expectedSessions(),
          completeness.note().isEmpty() ? "" : " (" + completeness.note() + ")");
    } else {
      out.printf(
          "  delivered:               %,d audit events, %,d session events (%s)%n",
          p.last().audit(), p.last().session(), completeness.note());
    }
    out.printf(
        "  audit events/s:          %,.0f (first to last delivery, %.2f s; %.2f s with start-up)%s%n",
        p.auditPerSecond(),
        p.seconds(),
        p.wallNanos() / 1e9,
        options.warmUpEvents() == 0
            ? "; a cold JVM, JIT warm-up included (--warm-up 2000000 gives the sustained rate)"
            : "");
    out.printf(
        "  session events/s:        %,.0f delivered%s%n",
        p.sessionPerSecond(),
        p.sessionEventsSkipped() == 0
            ? ""
            : String.format(
                "; %,.0f read, with the %,d skipped by --skip-session-types (print)",
                (p.last().session() + p.sessionEventsSkipped()) / p.seconds(),
                p.sessionEventsSkipped()));
    out.printf("  MB/s:                    %.1f (request bodies)%n", p.megabytesPerSecond());
    out.printf("  batch latency p50/p99:   %s%n", latency(p.latency()));
    out.printf(
        "  peak heap:               %s MB used (max %s MB; %s MB after the last GC)%n",
        megabytes(p.peakHeap()), megabytes(p.maxHeap()), megabytes(p.heapAfterGc()));
    out.printf("  peak RSS (VmHWM):        %s MB%n", megabytes(p.peakRss()));
    out.printf("  CPU:                     %s%n", cpu(p));
    out.printf(
        "  first delivered event:   %s after start began in this JVM; %s for a new start process"
            + " (JVM start-up included)%n",
        seconds(p.firstDeliveryNanos()), options.coldStart() ? seconds(coldStart) : "not measured");
    if (raw == null) {
      out.println("  raw capacity:            not measured");
      out.println("  ratio:                   n/a");
    } else {
      out.printf(
          "  raw capacity:            %,.0f events/s, %.1f MB/s (arrays of %d, %d connections,"
              + " %.1f s%s)%n",
          raw.eventsPerSecond(),
          raw.megabytesPerSecond(),
          options.rawBatch(),
          options.rawPosterConnections(),
          raw.elapsed().toNanos() / 1e9,
          raw.failures() == 0 ? "" : "; " + raw.failures() + " failures: " + raw.firstError());
      out.printf(
          "  ratio:                   %.2f (pipeline events/s over raw events/s)%n",
          raw.eventsPerSecond() > 0 ? p.eventsPerSecond() / raw.eventsPerSecond() : 0.0);
    }
    if (!completeness.complete()) {
      out.println("  NOT every event was delivered: see the log above.");
    }
    out.flush();
  }

  /**
   * CPU seconds of the run by part, and per event: on a shared machine this shows where the time
   * goes better than the rate does. What the JVM itself uses (GC, JIT) is the rest.
   */
  private static String cpu(PipelineFigures p) {
    long events = Math.max(1, p.last().events());
    StringBuilder text = new StringBuilder();
    text.append(
        String.format(
            "%.1f s in all (%.1f us per event; %.2f cores over the run)",
            p.processCpu(), p.processCpu() * 1e6 / events, p.processCpu() / (p.wallNanos() / 1e9)));
    double threads = 0;
    for (Map.Entry<String, Double> group : p.cpuByGroup().entrySet()) {
      threads += group.getValue();
      text.append(cpuRow(group.getKey(), group.getValue(), events));
    }
    if (p.processCpu() >= 0) {
      text.append(cpuRow("JVM (GC, JIT compilers)", p.processCpu() - threads, events));
    }
    return text.toString();
  }

  /** A line of one part under the CPU total; none for a part under 0.05 s. */
  private static String cpuRow(String part, double seconds, long events) {
    return seconds < 0.05
        ? ""
        : String.format(
            "%n                           %-32s %6.1f s  %5.1f us/event",
            part, seconds, seconds * 1e6 / events);
  }

  private static String latency(HistogramSnapshot snapshot) {
    if (snapshot == null || snapshot.count() == 0) {
      return "n/a (no requests)";
    }
    double p50 = Double.NaN;
    double p99 = Double.NaN;
    for (ValueAtPercentile value : snapshot.percentileValues()) {
      if (value.percentile() == 0.5) {
        p50 = value.value(TimeUnit.MILLISECONDS);
      } else if (value.percentile() == 0.99) {
        p99 = value.value(TimeUnit.MILLISECONDS);
      }
    }
    return String.format(
        "%.1f ms / %.1f ms (%,d requests, max %.1f ms)",
        p50, p99, snapshot.count(), snapshot.max(TimeUnit.MILLISECONDS));
  }

  static String megabytes(long bytes) {
    return bytes < 0 ? "?" : String.format("%,.0f", bytes / 1e6);
  }

  private static String seconds(long nanos) {
    return nanos < 0 ? "none" : String.format("%.2f s", nanos / 1e9);
  }
}
