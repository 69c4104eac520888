package eventhandler.deadletter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * One line of the dead-letter file, kept as it was written unless a replay changes it. A line is
 * replayable when it holds an event and the URL it was meant for (what the sink writes when Fluentd
 * refuses an event); the others record what never reached the sink (a recording that could not be
 * read, an event Teleport sent unreadable) and are listed, not sent.
 */
final class Letter {
  private static final ObjectMapper JSON = new ObjectMapper();

  final String line;
  final JsonNode node;

  private Letter(String line, JsonNode node) {
    this.line = line;
    this.node = node;
  }

  static Letter parse(String line) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (IOException e) {
      node = null; // a torn last line (a crash mid-write) or text: kept, listed as unreadable
    }
    return new Letter(line, node != null && node.isObject() ? node : null);
  }

  String kind() {
    return text("kind", node == null ? "unreadable" : "other");
  }

  String url() {
    return text("url", "");
  }

  String reason() {
    return text("reason", "");
  }

  String status() {
    return node != null && node.has("status") ? node.get("status").asText() : "";
  }

  boolean replayable() {
    return node != null
        && node.path("url").isTextual()
        && node.has("event")
        && !node.get("event").isNull();
  }

  URI target() {
    return URI.create(url());
  }

  /** The event as Fluentd was sent it: the JSON object, or the text that was not JSON. */
  byte[] event() throws IOException {
    JsonNode event = node.get("event");
    return event.isTextual()
        ? event.asText().getBytes(StandardCharsets.UTF_8)
        : JSON.writeValueAsBytes(event);
  }

  /** This line after Fluentd refused it again: its new answer, and how often it was replayed. */
  Letter refusedAgain(int status, String response, String time) {
    ObjectNode changed = node.deepCopy();
    changed.put("time", time);
    changed.put("status", status);
    changed.put("response", response);
    changed.put("replays", node.path("replays").asInt(0) + 1);
    try {
      return new Letter(JSON.writeValueAsString(changed), changed);
    } catch (IOException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
  }

  private String text(String field, String fallback) {
    return node != null && node.path(field).isTextual() ? node.get(field).asText() : fallback;
  }
}
