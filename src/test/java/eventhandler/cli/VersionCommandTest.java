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

  /**
   * Every build records the git ref, ./mvnw -B verify (which compiled these classes) included: in a
   * git checkout it is `git describe` of HEAD, not "unknown".
   */
  @Test
  void theBuildRecordedTheGitRefOfThisCheckout() throws Exception {
    java.nio.file.Path root = java.nio.file.Path.of("").toAbsolutePath();
    org.junit.jupiter.api.Assumptions.assumeTrue(
        java.nio.file.Files.exists(root.resolve(".git")),
        "built outside a git checkout (no .git): the ref is unknown by design");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        java.nio.file.Files.isDirectory(root.resolve(".git")),
        "a linked worktree: git-commit-id-maven-plugin reads the main checkout's HEAD there");
    Process git =
        new ProcessBuilder("git", "rev-parse", "--short=7", "HEAD")
            .directory(root.toFile())
            .redirectErrorStream(true)
            .start();
    String head = new String(git.getInputStream().readAllBytes()).strip();
    org.junit.jupiter.api.Assumptions.assumeTrue(git.waitFor() == 0, "no git to compare: " + head);

    String ref = VersionCommand.line().split(" ")[4];
    assertThat(ref).isNotEqualTo("unknown").startsWith(head.substring(0, 7));
  }

  @Test
  void aRefTheBuildCouldNotFillInIsUnknown() {
    assertThat(VersionCommand.known("${git.commit.id.describe}")).isEqualTo("unknown");
    assertThat(VersionCommand.known(null)).isEqualTo("unknown");
    assertThat(VersionCommand.known("1a2b3c4-dirty")).isEqualTo("1a2b3c4-dirty");
  }
}
