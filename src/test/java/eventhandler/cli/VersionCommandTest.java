package eventhandler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class VersionCommandTest {
  private static final String VERSION_LINE = "Teleport event handler \\S+ \\S+\\R";

  @Test
  void versionPrintsNameVersionAndGitRef() {
    CommandLineRun run = CommandLineRun.run(Map.of(), "version");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).matches(VERSION_LINE).startsWith("Teleport event handler ");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void versionOptionPrintsTheSameLine() {
    assertThat(CommandLineRun.run(Map.of(), "--version").out())
        .isEqualTo(CommandLineRun.run(Map.of(), "version").out());
    assertThat(CommandLineRun.run(Map.of(), "start", "--version").out()).matches(VERSION_LINE);
  }

  @Test
  void versionHasHelp() {
    CommandLineRun run = CommandLineRun.run(Map.of(), "version", "--help");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("Usage: teleport-event-handler version");
  }

  @Test
  void versionLineComesFromTheBuild() {
    // Maven filters version.properties, so a build never prints the placeholder.
    assertThat(VersionCommand.line())
        .doesNotContain("${")
        .matches("Teleport event handler \\S+ \\S+");
  }
}
