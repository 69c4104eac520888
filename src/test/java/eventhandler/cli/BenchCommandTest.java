package eventhandler.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run of {@code bench} with a tiny backlog: it completes, and every figure it promises is there
 * and plausible (rates and sizes above zero, the raw poster without failures, the ratio computed as
 * the report says).
 */
class BenchCommandTest {
  @Test
  void withoutDirItRemovesTheTemporaryDirectoryItMade() {
    CommandLineRun run =
        CommandLineRun.run(
            Map.of(),
            "bench",
            "--events=300",
            "--raw-duration=0s",
            "--no-cold-start",
            "--report-every=0s");

    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    Matcher removed = found(run.out(), "removed the temporary directory (\\S+) \\(--dir keeps");
    Path made = Path.of(removed.group(1));
    assertThat(made.getFileName().toString()).startsWith("event-handler-bench-");
    assertThat(made).doesNotExist();
  }

  @Test
  void tinyBenchDeliversEverythingAndReportsEveryFigure(@TempDir Path dir) {
    CommandLineRun run =
        CommandLineRun.run(
            Map.of(),
            "bench",
            "--events=3000",
            "--session-share=0.02",
            "--recording-length=5..10",
            "--fluentd-batch-size=100",
            "--raw-duration=1s",
            "--report-every=0s",
            "--dir=" + dir);

    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    String out = run.out();
    Matcher delivered =
        found(
            out,
            "delivered: +([\\d,]+) of ([\\d,]+) audit events, ([\\d,]+) session events from"
                + " ([\\d,]+) of ([\\d,]+) recordings");
    assertThat(delivered.group(1)).isEqualTo("3,000").isEqualTo(delivered.group(2));
    assertThat(number(delivered.group(3))).isPositive();
    assertThat(delivered.group(4)).isEqualTo(delivered.group(5));
    assertThat(number(figure(out, "audit events/s"))).isPositive();
    assertThat(number(figure(out, "session events/s"))).isPositive();
    assertThat(Double.parseDouble(figure(out, "MB/s"))).isPositive();
    Matcher latency =
        found(out, "batch latency p50/p99: +([\\d.]+) ms / ([\\d.]+) ms \\(([\\d,]+) requests");
    assertThat(Double.parseDouble(latency.group(2)))
        .isPositive()
        .isGreaterThanOrEqualTo(Double.parseDouble(latency.group(1)));
    // 3,000 audit events in arrays of 100, besides the recordings' requests.
    assertThat(number(latency.group(3))).isGreaterThanOrEqualTo(30);
    assertThat(number(figure(out, "peak heap"))).isPositive();
    assertThat(number(figure(out, "peak RSS (VmHWM)"))).isPositive();
    assertThat(out).containsPattern("CPU: +[\\d.]+ s in all");
    Matcher firstEvent =
        found(
            out,
            "first delivered event: +([\\d.]+) s after start began in this JVM; ([\\d.]+) s"
                + " for a new start process");
    assertThat(Double.parseDouble(firstEvent.group(1))).isPositive();
    assertThat(Double.parseDouble(firstEvent.group(2))).isPositive();
    // Ends right after the seconds: no "; N failures: ..." of the raw poster.
    Matcher rawCapacity =
        found(
            out,
            "raw capacity: +([\\d,]+) events/s, ([\\d.]+) MB/s \\(arrays of 1000,"
                + " \\d+ connections, 1.0 s\\)");
    long rawRate = number(rawCapacity.group(1));
    assertThat(rawRate).isPositive();
    assertThat(Double.parseDouble(rawCapacity.group(2))).isPositive();
    // The ratio is the pipeline's events/s (audit + session) over the raw events/s (printed to
    // two decimals: a tiny cold run only shows it is the right quotient, not its last digit).
    double pipelineRate =
        number(figure(out, "audit events/s")) + number(figure(out, "session events/s"));
    assertThat(Double.parseDouble(figure(out, "ratio")))
        .isCloseTo(pipelineRate / rawRate, within(0.006));
    assertThat(out).doesNotContain("NOT every event");
  }

  @Test
  void badValuesAreUsageErrors() {
    CommandLineRun run = CommandLineRun.run(Map.of(), "bench", "--events=0");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("--events must be at least 1");
  }

  @Test
  void aFluentdUrlNeedsTheClientCertificate() {
    CommandLineRun run =
        CommandLineRun.run(Map.of(), "bench", "--fluentd-url=https://localhost:8888/test.log");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("--fluentd-url needs --fluentd-cert and --fluentd-key");
  }

  /** A matcher that found {@code regex} in {@code out}. */
  private static Matcher found(String out, String regex) {
    Matcher matcher = Pattern.compile(regex).matcher(out);
    assertThat(matcher.find()).as(regex + " in:\n" + out).isTrue();
    return matcher;
  }

  /** The first token after {@code label:} on its line. */
  private static String figure(String out, String label) {
    return found(out, Pattern.quote(label) + ": +(\\S+)").group(1);
  }

  private static long number(String text) {
    return Long.parseLong(text.replace(",", ""));
  }
}
