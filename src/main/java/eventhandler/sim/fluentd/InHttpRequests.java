package eventhandler.sim.fluentd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/** How in_http reads a request: its tag, its body's encoding, and the messages of its refusals. */
final class InHttpRequests {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private InHttpRequests() {}

  /** The Fluentd tag of a request path: {@code /a/b/c} → {@code a.b.c}. */
  static String tagOf(String uri) {
    String path = new QueryStringDecoder(uri).path();
    if (path.startsWith("/")) {
      path = path.substring(1);
    }
    List<String> parts = new ArrayList<>(List.of(path.split("/", -1)));
    // Ruby's String#split drops trailing empty fields.
    while (!parts.isEmpty() && parts.get(parts.size() - 1).isEmpty()) {
      parts.remove(parts.size() - 1);
    }
    return String.join(".", parts);
  }

  static byte[] decode(byte[] raw, String encoding) throws IOException {
    if ("gzip".equals(encoding)) {
      return readAll(new GZIPInputStream(new ByteArrayInputStream(raw)));
    }
    if ("deflate".equals(encoding)) {
      return readAll(new InflaterInputStream(new ByteArrayInputStream(raw)));
    }
    return raw;
  }

  private static byte[] readAll(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }

  /** The 400 message for the first record the poison predicate marks, or {@code null}. */
  static String poisonedTime(
      Predicate<JsonNode> poison, byte[] bytes, InHttpBodyParser.Parsed parsed) {
    if (poison == null) {
      return null;
    }
    for (int i = 0; i < parsed.count(); i++) {
      JsonNode record;
      try {
        record = MAPPER.readTree(bytes, parsed.start(i), parsed.end(i) - parsed.start(i));
      } catch (IOException e) {
        throw new IllegalStateException("a record that parsed once no longer parses", e);
      }
      if (poison.test(record)) {
        JsonNode time = record.get("time");
        String value = time == null ? "(none)" : time.asText();
        return "invalid time format: value = "
            + value
            + ", error_class = ArgumentError, error = poisoned by the test receiver";
      }
    }
    return null;
  }

  static String failureMessage(int status) {
    return status == 500
        ? "buffer space has too many data" // what a full output buffer makes in_http say
        : "simulated failure";
  }
}
