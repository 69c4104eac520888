package eventhandler.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** CI must run exactly the test command the README gives a newcomer, and nothing else after it. */
class CiEntryTest {
  private static final Pattern README_TEST_COMMAND =
      Pattern.compile("Build and run all tests[^\\n]*\\n\\n```sh\\n([^\\n]+)\\n```");

  @Test
  void ciRunsTheReadmesTestCommandAsItsLastCommand() {
    Matcher readme = README_TEST_COMMAND.matcher(ProjectFiles.read("README.md"));
    assertThat(readme.find()).as("README names its test command in a sh block").isTrue();
    List<String> commands =
        ProjectFiles.read(".ci/run")
            .lines()
            .map(String::strip)
            .filter(line -> !line.isEmpty() && !line.startsWith("#"))
            .toList();
    assertThat(commands).last().isEqualTo(readme.group(1));
  }
}
