package eventhandler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A smoke run of {@code bench} with a tiny backlog: it completes and prints every figure. */
class BenchCommandTest {
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
        Pattern.compile(
                "delivered: +([\\d,]+) of ([\\d,]+) audit events, ([\\d,]+) session events from"
                    + " ([\\d,]+) of ([\\d,]+) recordings")
            .matcher(out);
    assertThat(delivered.find()).as(out).isTrue();
    assertThat(delivered.group(1)).isEqualTo("3,000").isEqualTo(delivered.group(2));
    assertThat(number(delivered.group(3))).isPositive();
    assertThat(delivered.group(4)).isEqualTo(delivered.group(5));
    assertThat(number(figure(out, "audit events/s"))).isPositive();
    assertThat(number(figure(out, "session events/s"))).isPositive();
    assertThat(Double.parseDouble(figure(out, "MB/s"))).isPositive();
    assertThat(out).containsPattern("batch latency p50/p99: +[\\d.]+ ms / [\\d.]+ ms");
    assertThat(out).containsPattern("peak heap: +[\\d,]+ MB used");
    assertThat(out).containsPattern("peak RSS \\(VmHWM\\): +[\\d,]+ MB");
    assertThat(out).containsPattern("CPU: +[\\d.]+ s in all");
    assertThat(out)
        .containsPattern(
            "first delivered event: +[\\d.]+ s after start began in this JVM; [\\d.]+ s for a new"
                + " start process");
    assertThat(out).containsPattern("raw capacity: +[\\d,]+ events/s");
    assertThat(out).containsPattern("ratio: +[\\d.]+");
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

  /** The first token after {@code label:} on its line. */
  private static String figure(String out, String label) {
    Matcher matcher = Pattern.compile(Pattern.quote(label) + ": +(\\S+)").matcher(out);
    assertThat(matcher.find()).as(label + " in:\n" + out).isTrue();
    return matcher.group(1);
  }

  private static long number(String text) {
    return Long.parseLong(text.replace(",", ""));
  }
}
