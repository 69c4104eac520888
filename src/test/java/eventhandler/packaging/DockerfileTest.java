package eventhandler.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The image: built in one stage, run from a slim JRE as a non-root user, with an entrypoint that
 * hands the guide's {@code docker run} arguments to the program unchanged.
 */
class DockerfileTest {
  private static final String JAR_FLAG = "-jar";

  /** One Dockerfile instruction, continuation lines joined. */
  record Instruction(String keyword, String arguments) {}

  private static List<List<Instruction>> stages;

  @BeforeAll
  static void parse() {
    stages = stages(ProjectFiles.read("Dockerfile"));
  }

  @Test
  void buildsWithMavenAndRunsOnAJre() {
    assertThat(stages).hasSize(2);
    assertThat(stages.get(0).get(0).arguments()).isEqualTo("maven:3.9-eclipse-temurin-17 AS build");
    assertThat(stages.get(1).get(0).arguments()).isEqualTo("eclipse-temurin:17-jre");
    assertThat(arguments(stages.get(0), "RUN"))
        .anyMatch(run -> run.contains("-DskipTests") && run.contains(" package"));
    assertThat(arguments(stages.get(1), "COPY"))
        .anyMatch(
            copy ->
                copy.startsWith("--from=build /src/target/teleport-event-handler.jar ")
                    && copy.endsWith(" " + jarInImage()));
    assertThat(arguments(stages.get(1), "LABEL"))
        .anyMatch(label -> label.contains("org.opencontainers.image.title="));
  }

  @Test
  void runsAsANonRootUserInTheGuidesWorkingDirectory() {
    List<String> users = arguments(stages.get(1), "USER");
    assertThat(users).hasSize(1);
    String user = users.get(0).split(":")[0];
    assertThat(user).isNotIn("root", "0").matches("[1-9][0-9]*");
    assertThat(arguments(stages.get(1), "WORKDIR")).containsExactly("/opt/teleport-plugin");
    // The guide mounts the user's directory over /opt/teleport-plugin: the jar must be elsewhere.
    assertThat(jarInImage()).doesNotStartWith("/opt/teleport-plugin/");
  }

  @Test
  void guideArgumentsReachTheProgramUnchanged() {
    List<String> entrypoint = entrypoint();
    assertThat(arguments(stages.get(1), "CMD")).isEmpty();
    assertThat(entrypoint.get(0)).isEqualTo("java");
    assertThat(entrypoint).contains("-Djdk.tls.client.enableSessionTicketExtension=false");
    assertThat(entrypoint.get(entrypoint.size() - 2)).isEqualTo(JAR_FLAG);

    // docker run IMAGE ARGS... runs ENTRYPOINT + ARGS when the entrypoint is in exec form.
    for (List<String> guide :
        List.of(
            List.of("configure", "."), List.of("start", "--config=teleport-event-handler.toml"))) {
      List<String> command = new ArrayList<>(entrypoint);
      command.addAll(guide);
      int jar = command.indexOf(JAR_FLAG) + 1;
      assertThat(command.subList(jar + 1, command.size())).isEqualTo(guide);
    }
  }

  @Test
  void entrypointJvmOptionsAreAcceptedByJava17() throws Exception {
    List<String> entrypoint = entrypoint();
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(entrypoint.subList(1, entrypoint.indexOf(JAR_FLAG)));
    command.add("-version");
    Process java = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(java.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String output = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(java.exitValue()).as(output).isZero();
  }

  @Test
  void buildContextHoldsOnlyWhatTheBuildCopies() {
    List<String> ignore =
        ProjectFiles.read(".dockerignore")
            .lines()
            .map(String::strip)
            .filter(line -> !line.isEmpty() && !line.startsWith("#"))
            .toList();
    assertThat(ignore).containsExactly("*", "!pom.xml", "!src/");
    assertThat(arguments(stages.get(0), "COPY")).containsExactly("pom.xml ./", "src ./src");
  }

  private static String jarInImage() {
    List<String> entrypoint = entrypoint();
    return entrypoint.get(entrypoint.size() - 1);
  }

  private static List<String> entrypoint() {
    List<String> entrypoints = arguments(stages.get(1), "ENTRYPOINT");
    assertThat(entrypoints).hasSize(1);
    assertThat(entrypoints.get(0)).as("exec (JSON) form").startsWith("[");
    try {
      return new ObjectMapper().readValue(entrypoints.get(0), new TypeReference<List<String>>() {});
    } catch (IOException e) {
      throw new AssertionError("ENTRYPOINT is not a JSON array: " + entrypoints.get(0), e);
    }
  }

  private static List<String> arguments(List<Instruction> stage, String keyword) {
    return stage.stream()
        .filter(instruction -> instruction.keyword().equals(keyword))
        .map(Instruction::arguments)
        .toList();
  }

  /** Instructions grouped by stage, each stage starting with its FROM. */
  private static List<List<Instruction>> stages(String dockerfile) {
    List<List<Instruction>> stages = new ArrayList<>();
    StringBuilder pending = new StringBuilder();
    for (String raw : dockerfile.split("\n")) {
      String line = raw.strip();
      if (pending.isEmpty() && (line.isEmpty() || line.startsWith("#"))) {
        continue;
      }
      if (line.endsWith("\\")) {
        pending.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      pending.append(line);
      String[] parts = pending.toString().strip().split("\\s+", 2);
      pending.setLength(0);
      Instruction instruction =
          new Instruction(parts[0].toUpperCase(), parts.length > 1 ? parts[1].strip() : "");
      if (instruction.keyword().equals("FROM")) {
        stages.add(new ArrayList<>());
      }
      assertThat(stages).as("an instruction before the first FROM: %s", instruction).isNotEmpty();
      stages.get(stages.size() - 1).add(instruction);
    }
    return stages;
  }
}
