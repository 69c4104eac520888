package eventhandler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code demo} runs the real export against the simulated cluster to its summary. */
class DemoCommandTest {
  private static final Pattern LOCKED =
      Pattern.compile("(?m)^  users locked: +(\\d+)(?: \\(([^)]*)\\), each after more .*)?$");

  /** The output and exit code of one {@code demo}. */
  private record DemoRun(int code, String out, String err) {
    static DemoRun of(String... arguments) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      List<String> argv = new ArrayList<>(List.of("demo"));
      argv.addAll(List.of(arguments));
      int code =
          new RootCommand(
                  Map.of(),
                  new PrintWriter(out, true),
                  new PrintWriter(err, true),
                  settings -> {
                    throw new AssertionError("demo runs its own start");
                  })
              .execute(argv.toArray(String[]::new));
      return new DemoRun(code, out.toString(), err.toString());
    }
  }

  @Test
  void runsToItsSummaryWithEveryEventDelivered(@TempDir Path dir) throws IOException {
    DemoRun run =
        DemoRun.of(
            "--events=600", "--session-share=0.03", "--progress-every=100ms", "--dir=" + dir);

    String output = run.out();
    assertThat(run.code()).as("exit code; stderr:%n%s", run.err()).isZero();
    assertThat(output)
        .contains("Starting a simulated Teleport cluster with 600 audit events")
        .containsPattern(
            "(?m)^\\[ *\\d+\\.\\ds] [\\d,]+ of 600 audit events and [\\d,]+ session"
                + " events delivered, [\\d,]+ events/s")
        .containsPattern("(?m)^Demo finished in \\d+\\.\\d s \\(start exited with 0\\)$")
        .containsPattern("(?m)^  audit events delivered: +600 of 600 \\([\\d,]+ events/s\\)$")
        .containsPattern(
            "(?m)^  session events delivered: +([1-9][\\d,]*) of \\1, from \\d+ recorded sessions")
        .contains("  records received in:      " + dir.resolve("received"))
        .contains("  state and dead letters:   " + dir.resolve("storage"))
        .contains(
            "  left on disk:             "
                + dir
                + " (configure's files with the CA and client private keys, the identity file, the"
                + " records and the state); remove it with: rm -r "
                + dir)
        .endsWith("Every event arrived." + System.lineSeparator());

    Matcher locked = LOCKED.matcher(output);
    assertThat(locked.find()).as("users locked line in%n%s", output).isTrue();
    int count = Integer.parseInt(locked.group(1));
    assertThat(count).isPositive();
    List<String> users = Arrays.asList(locked.group(2).split(", "));
    assertThat(users)
        .hasSize(count)
        .doesNotHaveDuplicates()
        .isSorted()
        .isSubsetOf("alice", "bob", "carol", "dave", "erin");

    try (Stream<Path> files = Files.list(dir.resolve("received"))) {
      assertThat(files.map(file -> file.getFileName().toString())).contains("test.log.jsonl");
    }
    assertThat(dir.resolve("teleport-event-handler.toml")).isRegularFile();
  }

  @Test
  void withADurationItFollowsNewEventsAfterTheBacklogAndStillDeliversEveryOne(@TempDir Path dir) {
    DemoRun run = DemoRun.of("--events=200", "--duration=1500ms", "--dir=" + dir);

    assertThat(run.code()).as("exit code; stderr:%n%s", run.err()).isZero();
    Matcher audit =
        Pattern.compile("(?m)^  audit events delivered: +([\\d,]+) of \\1 ").matcher(run.out());
    assertThat(audit.find()).as("audit line in%n%s", run.out()).isTrue();
    assertThat(Long.parseLong(audit.group(1).replace(",", ""))).isGreaterThan(200);
    assertThat(run.out()).endsWith("Every event arrived." + System.lineSeparator());
  }

  @Test
  void aNumberThatIsNotOneSaysWhatIsExpected() {
    DemoRun run = DemoRun.of("--events=abc");

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err())
        .contains("--events': expected a whole number, like 20000, got 'abc'")
        .doesNotContain("long");
  }

  @Test
  void aDirectoryThatCannotBeMadeIsNamedWithTheReason() {
    DemoRun run = DemoRun.of("--dir=/proc/no-such-demo-dir");

    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err().strip())
        .isEqualTo(
            "error: cannot create the demo's directory /proc/no-such-demo-dir: no such file or"
                + " directory; give --dir a directory you can write to");
  }
}
