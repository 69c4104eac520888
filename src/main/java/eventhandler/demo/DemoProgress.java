package eventhandler.demo;

import eventhandler.pipeline.ExportMetrics;
import eventhandler.startup.Launcher;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The progress line {@code demo} prints while {@code start} runs: what the receiver got so far, the
 * rate since the last line, and how far in the cluster's history the export is.
 */
public final class DemoProgress {
  private final LocalStack stack;
  private final InProcessStart start;
  private final PrintWriter out;
  private final long started;
  private long lastNanos;
  private long lastTotal;

  /**
   * @param start the running {@code start}
   * @param started {@link System#nanoTime()} when the demo's export began
   */
  public DemoProgress(LocalStack stack, InProcessStart start, long started, PrintWriter out) {
    this.stack = stack;
    this.start = start;
    this.out = out;
    this.started = started;
    this.lastNanos = started;
  }

  public synchronized void print() {
    long now = System.nanoTime();
    long audit = stack.receiver().received(LocalStack.auditTag());
    long total = stack.receiver().totalRecords();
    double seconds = Math.max(1e-3, (now - lastNanos) / 1e9);
    long rate = Math.round((total - lastTotal) / seconds);
    Instant position =
        start
            .job()
            .flatMap(Launcher::metrics)
            .map(ExportMetrics::newestExportedEventTime)
            .orElse(null);
    out.printf(
        "[%5.1fs] %,d of %,d audit events and %,d session events delivered, %,d events/s%s%n",
        (now - started) / 1e9,
        audit,
        stack.cluster().auditEventCount(),
        total - audit,
        rate,
        position == null
            ? ""
            : ", export at "
                + position.truncatedTo(ChronoUnit.SECONDS)
                + " ("
                + behind(Duration.between(position, Instant.now()))
                + " ago)");
    out.flush();
    lastNanos = now;
    lastTotal = total;
  }

  private static String behind(Duration duration) {
    long minutes = Math.max(0, duration.toMinutes());
    if (minutes < 1) {
      return Math.max(0, duration.toSeconds()) + "s";
    }
    if (minutes < 120) {
      return minutes + "m";
    }
    long hours = minutes / 60;
    return hours < 48 ? hours + "h" : hours / 24 + "d" + hours % 24 + "h";
  }
}
