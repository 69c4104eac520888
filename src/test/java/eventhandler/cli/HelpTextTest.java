package eventhandler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Help that reads as text: whole summaries, labels in words, options only where they act. */
class HelpTextTest {
  private static final List<String> COMMANDS =
      List.of("version", "configure", "start", "demo", "bench");

  private static String help(String... args) {
    CommandLineRun run = CommandLineRun.run(Map.of(), args);
    assertThat(run.exitCode()).as(run.err()).isZero();
    return run.out();
  }

  @Test
  void topLevelHelpSummarisesEachCommandInOneWholeSentence() {
    String help = help("--help");
    String commands = help.substring(help.indexOf("Commands:\n") + "Commands:\n".length());
    for (String command : COMMANDS) {
      Matcher entry =
          Pattern.compile("(?m)^  " + command + " +(.+(?:\\n {4,}.+)*)").matcher(commands);
      assertThat(entry.find()).as("%s in:%n%s", command, help).isTrue();
      String summary = entry.group(1).replaceAll("\\s+", " ");
      assertThat(summary).as("summary of %s", command).endsWith(".").doesNotContain(": the");
    }
  }

  @Test
  void optionLabelsAreWordsNotJavaFieldNames() {
    for (String command : COMMANDS) {
      assertThat(help(command, "--help"))
          .as("help of %s", command)
          .doesNotContainPattern("<[a-z]+[A-Z][A-Za-z]*>");
    }
  }

  @Test
  void descriptionsAreParagraphsWithoutHardLineBreaksMidSentence() {
    for (String command : List.of("configure", "demo", "bench")) {
      String help = help(command, "--help");
      // The paragraph after the usage lines: picocli wraps it, so no line of it may end inside
      // a sentence before reaching the wrap width by far (the old hard breaks left short lines).
      String description = help.substring(help.indexOf('\n', help.lastIndexOf("]")) + 1);
      description = description.substring(0, description.indexOf("\n  "));
      List<String> lines = description.lines().toList();
      for (int i = 0; i < lines.size() - 1; i++) {
        assertThat(lines.get(i).length())
            .as("line %d of %s's description:%n%s", i, command, description)
            .isGreaterThan(60);
      }
    }
  }

  @Test
  void configAndDebugOnlyWhereTheyAct() {
    assertThat(help("version", "--help")).doesNotContain("--config").doesNotContain("--debug");
    assertThat(help("configure", "--help")).doesNotContain("--config").doesNotContain("--debug");
    for (String runsTheExport : List.of("demo", "bench")) {
      assertThat(help(runsTheExport, "--help"))
          .doesNotContain("--config")
          .contains("-d, --debug")
          .doesNotContain("TOML: debug");
    }
    assertThat(help("start", "--help")).contains("-c, --config").contains("-d, --debug");
    assertThat(help("--help")).contains("-c, --config").contains("-d, --debug");
  }
}
