package eventhandler.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import eventhandler.files.PrivateFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadLetterFileTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2024-05-01T10:00:00Z"), ZoneOffset.UTC);

  @TempDir Path dir;

  @Test
  void appendsOneJsonLinePerEventToAPrivateFile() throws Exception {
    Path file = dir.resolve("storage/dead-letter.jsonl");
    try (DeadLetterFile deadLetters = new DeadLetterFile(file, CLOCK)) {
      assertThat(file).doesNotExist();
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("status", 400);
      details.put("response", "400 Bad Request\nnope\n");
      details.put("url", "https://fluentd:8888/test.log");
      deadLetters.append(
          "fluentd refused the event",
          details,
          "{\"uid\":\"a\",\"n\":[1,2]}".getBytes(StandardCharsets.UTF_8));
      deadLetters.append("something else", Map.of(), "{not json");
      assertThat(deadLetters.appended()).isEqualTo(2);
    }
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PrivateFiles.FILE_MODE);
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0))
        .isEqualTo(
            "{\"time\":\"2024-05-01T10:00:00Z\",\"reason\":\"fluentd refused the event\","
                + "\"status\":400,\"response\":\"400 Bad Request\\nnope\\n\","
                + "\"url\":\"https://fluentd:8888/test.log\",\"event\":{\"uid\":\"a\",\"n\":[1,2]}}");
    JsonNode second = JSON.readTree(lines.get(1));
    assertThat(second.get("event").isTextual()).isTrue();
    assertThat(second.get("event").asText()).isEqualTo("{not json");
  }

  @Test
  void anEntryWithoutAnEventHasANullEvent() throws Exception {
    Path file = dir.resolve("dead-letter.jsonl");
    try (DeadLetterFile deadLetters = new DeadLetterFile(file, CLOCK)) {
      deadLetters.append("recording not found", Map.of("sid", "s1"), (byte[]) null);
      deadLetters.append("recording damaged", Map.of("sid", "s2"), (String) null);
    }
    List<String> lines = Files.readAllLines(file);
    assertThat(lines)
        .containsExactly(
            "{\"time\":\"2024-05-01T10:00:00Z\",\"reason\":\"recording not found\","
                + "\"sid\":\"s1\",\"event\":null}",
            "{\"time\":\"2024-05-01T10:00:00Z\",\"reason\":\"recording damaged\","
                + "\"sid\":\"s2\",\"event\":null}");
  }

  @Test
  void keepsEarlierLinesAndTightensAFileOthersCouldRead() throws Exception {
    Path file = dir.resolve("dead-letter.jsonl");
    Files.writeString(file, "{\"earlier\":true}\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    try (DeadLetterFile deadLetters = new DeadLetterFile(file, CLOCK)) {
      deadLetters.append("r", Map.of(), "{}");
    }
    assertThat(Files.readAllLines(file)).hasSize(2).first().isEqualTo("{\"earlier\":true}");
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PrivateFiles.FILE_MODE);
  }

  @Test
  void embedsAnyJsonValueButKeepsTrailingGarbageAsText() throws Exception {
    Path file = dir.resolve("dl.jsonl");
    try (DeadLetterFile deadLetters = new DeadLetterFile(file, CLOCK)) {
      deadLetters.append("r", Map.of(), "42");
      deadLetters.append("r", Map.of(), "{\"a\":1} trailing");
      deadLetters.append("r", Map.of(), "");
    }
    List<String> lines = Files.readAllLines(file);
    assertThat(JSON.readTree(lines.get(0)).get("event").isInt()).isTrue();
    assertThat(JSON.readTree(lines.get(1)).get("event").asText()).isEqualTo("{\"a\":1} trailing");
    assertThat(JSON.readTree(lines.get(2)).get("event").asText()).isEmpty();
  }

  @Test
  void anInterruptedWriterDoesNotBreakTheFileForLaterWriters() throws Exception {
    Path file = dir.resolve("dead-letter.jsonl");
    try (DeadLetterFile deadLetters = new DeadLetterFile(file, CLOCK)) {
      Thread.currentThread().interrupt();
      try {
        deadLetters.append("first", Map.of(), "{\"n\":1}");
      } finally {
        assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
      }
      deadLetters.append("second", Map.of(), "{\"n\":2}");
    }
    assertThat(Files.readAllLines(file))
        .extracting(line -> JSON.readTree(line).get("reason").asText())
        .containsExactly("first", "second");
  }
}
