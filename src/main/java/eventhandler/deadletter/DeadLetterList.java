package eventhandler.deadletter;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** {@code dead-letters list}: the lines of the file counted by kind, URL, status and reason. */
public final class DeadLetterList {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DeadLetterList() {}

  /** Prints the counts of {@code file} (empty when it does not exist) as text or JSON. */
  public static void print(Path file, boolean json, PrintWriter out) throws IOException {
    List<Letter> letters = DeadLetterLines.read(file);
    long replayable = letters.stream().filter(Letter::replayable).count();
    if (json) {
      ObjectNode root = JSON.createObjectNode();
      root.put("file", file.toString());
      root.put("total", letters.size());
      root.put("replayable", replayable);
      root.set("by_kind", JSON.valueToTree(count(letters, Letter::kind)));
      root.set("by_url", JSON.valueToTree(count(letters, Letter::url)));
      root.set("by_status", JSON.valueToTree(count(letters, Letter::status)));
      root.set("by_reason", JSON.valueToTree(count(letters, Letter::reason)));
      out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
      return;
    }
    out.println("dead-letter file: " + file + " (" + letters.size() + " lines)");
    if (letters.isEmpty()) {
      return;
    }
    section(out, "by kind", count(letters, Letter::kind));
    section(out, "by URL", count(letters, Letter::url));
    section(out, "by status", count(letters, Letter::status));
    section(out, "by reason", count(letters, Letter::reason));
    out.println(
        replayable
            + " can be sent again with 'teleport-event-handler dead-letters replay'"
            + " (the others record events that never reached Fluentd)");
  }

  private static Map<String, Long> count(List<Letter> letters, Function<Letter, String> key) {
    Map<String, Long> counts = new TreeMap<>();
    for (Letter letter : letters) {
      String value = key.apply(letter);
      counts.merge(value.isEmpty() ? "(none)" : value, 1L, Long::sum);
    }
    return counts;
  }

  private static void section(PrintWriter out, String title, Map<String, Long> counts) {
    out.println(title + ":");
    counts.forEach((value, n) -> out.println("  " + n + "  " + value));
  }
}
