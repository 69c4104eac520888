package eventhandler.logging;

import static org.assertj.core.api.Assertions.assertThat;

import eventhandler.sim.SimulatedCluster;
import eventhandler.testing.ChildStart;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code start} against a Teleport address that does not resolve (a typo, DNS down), in a child JVM
 * so that its real stderr is read: gRPC and Netty log through {@code java.util.logging}, which only
 * the bridge into the program's logging keeps in the program's format and level.
 *
 * <p>The child resolves names from a hosts file of its own ({@code jdk.net.hosts.file}), so the
 * unknown name fails without a DNS query leaving the machine.
 */
class UnresolvableAddressLogTest {
  /** java.util.logging's default two-line format: "Dec 02, 2026 5:53:44 AM class method". */
  private static final Pattern JUL_HEADER =
      Pattern.compile("(?m)^[A-Z][a-z]{2} \\d{2}, \\d{4} \\d{1,2}:\\d{2}:\\d{2} [AP]M ");

  private static final Pattern JUL_LEVEL = Pattern.compile("(?m)^(SEVERE|WARNING|INFO|FINE): ");
  private static final Pattern STACK_LINE = Pattern.compile("(?m)^\\s+at [\\w.$]+\\(");

  @TempDir Path dir;

  @Test
  void retriedFailureIsOneWarningInTheProgramsFormatWithoutStackTraces() throws Exception {
    String output = runStartFor(Duration.ofSeconds(9));

    assertThat(output).contains("nosuchhost.invalid");
    assertThat(JUL_HEADER.matcher(output).find())
        .as("java.util.logging lines in:%n%s", output)
        .isFalse();
    assertThat(JUL_LEVEL.matcher(output).find()).as("JUL levels in:%n%s", output).isFalse();
    assertThat(STACK_LINE.matcher(output).find()).as("stack trace in:%n%s", output).isFalse();
    List<String> retries =
        output.lines().filter(line -> line.contains("cannot connect to Teleport")).toList();
    assertThat(retries).as("retries in:%n%s", output).hasSizeGreaterThanOrEqualTo(2);
    assertThat(retries).allMatch(line -> line.contains(" WARN "), "logged as WARN");
    assertThat(output).doesNotContain(" ERROR ");
    assertThat(output)
        .as("gRPC's own copy of the failure")
        .doesNotContain("Failed to resolve name");
  }

  private String runStartFor(Duration duration) throws IOException, InterruptedException {
    Path identity = dir.resolve("identity");
    SimulatedCluster.builder().events(0).build().writeIdentity(identity);
    Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 localhost\n");
    Path log = dir.resolve("start.log");
    Process process =
        ChildStart.launch(
                List.of("-Xmx128m", "-XX:TieredStopAtLevel=1", "-Djdk.net.hosts.file=" + hosts),
                List.of(
                    "start",
                    "--teleport-addr=nosuchhost.invalid:3025",
                    "--teleport-identity=" + identity,
                    "--teleport-dial-timeout=2s",
                    "--fluentd-url=https://localhost:8888/test.log",
                    "--fluentd-session-url=https://localhost:8888/session",
                    "--storage=" + dir.resolve("storage"),
                    "--dry-run=true"),
                log)
            .process();
    try {
      assertThat(process.waitFor(duration.toMillis(), TimeUnit.MILLISECONDS))
          .as("start keeps retrying")
          .isFalse();
    } finally {
      process.destroy(); // SIGTERM to this child's PID: a graceful stop
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
    return Files.readString(log, StandardCharsets.UTF_8);
  }
}
