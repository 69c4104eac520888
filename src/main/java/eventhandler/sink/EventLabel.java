package eventhandler.sink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/** Names an event in logs by its id and type only, never by its content. */
final class EventLabel {
  private static final JsonFactory JSON = new JsonFactory();

  private EventLabel() {}

  /** {@code uid=..., type=...} from the event's top-level {@code uid}/{@code event} fields. */
  static String of(byte[] record) {
    String uid = null;
    String type = null;
    try (JsonParser parser = JSON.createParser(record)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return "not a JSON object";
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME && (uid == null || type == null)) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (value == JsonToken.VALUE_STRING && name.equals("uid")) {
          uid = parser.getText();
        } else if (value == JsonToken.VALUE_STRING && name.equals("event")) {
          type = parser.getText();
        } else {
          parser.skipChildren();
        }
      }
    } catch (IOException | RuntimeException e) {
      // Malformed JSON: label with what was found before the error.
    }
    return "uid=" + (uid == null ? "?" : uid) + ", type=" + (type == null ? "?" : type);
  }
}
