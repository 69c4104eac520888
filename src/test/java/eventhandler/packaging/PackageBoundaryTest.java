package eventhandler.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The boundaries a Maven module would enforce, kept by a test instead (docs/architecture.md says
 * why the simulator, demo and bench stay in the one module). The simulator shares with the program
 * it tests only the wire (the generated protobuf classes) and two utility packages that hold no
 * export logic: {@code tls} (making certificates and PEM, itself checked against OpenSSL by the
 * {@code configure} tests) and {@code files} (0600 writes). Of the shipped packages only the {@code
 * demo} and {@code bench} commands reach into the simulator.
 */
class PackageBoundaryTest {
  private static final Pattern IMPORT =
      Pattern.compile("^import (?:static )?(eventhandler\\.[\\w.]+);", Pattern.MULTILINE);
  private static final Pattern SHARED_WITH_THE_SIMULATOR =
      Pattern.compile("eventhandler\\.(sim|teleport\\.proto|tls|files)\\.");
  private static final Path MAIN = Path.of("src/main/java/eventhandler");

  @Test
  void theSimulatorImportsNothingOfTheExport() throws IOException {
    List<String> crossings = new ArrayList<>();
    for (Path source : sources(MAIN.resolve("sim"))) {
      for (String imported : imports(source)) {
        if (!SHARED_WITH_THE_SIMULATOR.matcher(imported).lookingAt()) {
          crossings.add(MAIN.relativize(source) + " imports " + imported);
        }
      }
    }
    assertThat(crossings).isEmpty();
  }

  @Test
  void onlyTheDemoAndBenchCommandsReachTheSimulator() throws IOException {
    List<String> users = new ArrayList<>();
    for (Path source : sources(MAIN)) {
      String relative = MAIN.relativize(source).toString().replace('\\', '/');
      if (relative.startsWith("sim/")) {
        continue;
      }
      if (imports(source).stream().anyMatch(i -> i.startsWith("eventhandler.sim."))) {
        users.add(relative);
      }
    }
    assertThat(users)
        .isNotEmpty()
        .allSatisfy(
            user ->
                assertThat(user).matches("(demo|bench)/.*|cli/(DemoCommand|BenchCommand)\\.java"));
  }

  private static List<Path> sources(Path root) throws IOException {
    assertThat(root).as("run from the project directory").isDirectory();
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
    }
  }

  private static List<String> imports(Path source) throws IOException {
    Matcher matcher = IMPORT.matcher(Files.readString(source));
    List<String> found = new ArrayList<>();
    while (matcher.find()) {
      found.add(matcher.group(1));
    }
    return found;
  }
}
