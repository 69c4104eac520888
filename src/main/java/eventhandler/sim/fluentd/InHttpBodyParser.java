package eventhandler.sim.fluentd;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Parses a request body the way Fluentd's in_http does with the Teleport {@code <parse> @type json,
 * time_type string, time_format %Y-%m-%dT%H:%M:%S}: one JSON object is one record, an array of
 * objects is that many records, all or nothing.
 *
 * <p>Streaming and allocation-light, because the benchmark pushes hundreds of thousands of records
 * per second through it: it only finds each record's byte span and checks its {@code time}.
 */
final class InHttpBodyParser {
  private static final JsonFactory JSON = new JsonFactory();

  private InHttpBodyParser() {}

  /** The outcome: records found (spans into the body) or the error response in_http gives. */
  record Parsed(int[] spans, int count, boolean array, int errorStatus, String errorMessage) {
    boolean ok() {
      return errorStatus == 0;
    }

    int start(int record) {
      return spans[2 * record];
    }

    int end(int record) {
      return spans[2 * record + 1];
    }

    static Parsed error(int status, String message) {
      return new Parsed(new int[0], 0, false, status, message);
    }
  }

  static Parsed parse(byte[] body) {
    Spans spans = new Spans();
    String semanticError = null;
    int semanticStatus = 0;
    boolean array = false;
    try (JsonParser parser = JSON.createParser(body)) {
      JsonToken token = parser.nextToken();
      if (token == null) {
        return notJson(body);
      }
      if (token == JsonToken.START_OBJECT) {
        semanticError = spans.readRecord(parser);
        semanticStatus = 400;
      } else if (token == JsonToken.START_ARRAY) {
        array = true;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
          String problem;
          int status;
          if (token == JsonToken.START_OBJECT) {
            problem = spans.readRecord(parser);
            status = 400;
          } else {
            problem = "record must be a Hash: " + rubyClass(token);
            status = 500;
            parser.skipChildren();
          }
          if (semanticError == null && problem != null) {
            semanticError = problem;
            semanticStatus = status;
          }
        }
      } else {
        semanticError = "record must be a Hash: " + rubyClass(token);
        semanticStatus = 500;
      }
      if (parser.nextToken() != null) {
        return notJson(body); // e.g. NDJSON: more than one JSON value
      }
    } catch (JsonProcessingException e) {
      return notJson(body);
    } catch (IOException e) {
      throw new IllegalStateException("reading an in-memory body failed", e);
    }
    if (semanticError != null) {
      return Parsed.error(semanticStatus, semanticError);
    }
    return new Parsed(spans.spans, spans.count, array, 0, null);
  }

  /** Byte spans {start, end} of the records found so far. */
  private static final class Spans {
    int[] spans = new int[16];
    int count;

    /** Reads the object the parser is at; returns its time problem, or {@code null}. */
    String readRecord(JsonParser parser) throws IOException {
      int start = (int) parser.currentTokenLocation().getByteOffset();
      String problem = checkRecord(parser);
      if (2 * count + 2 > spans.length) {
        spans = Arrays.copyOf(spans, spans.length * 2);
      }
      spans[2 * count] = start;
      spans[2 * count + 1] = (int) parser.currentTokenLocation().getByteOffset() + 1;
      count++;
      return problem;
    }
  }

  /**
   * Reads one object (the parser is at its START_OBJECT) up to its END_OBJECT; returns the time
   * problem in_http would report, or {@code null}.
   */
  private static String checkRecord(JsonParser parser) throws IOException {
    String problem = null;
    JsonToken token;
    while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
      boolean isTime = "time".equals(parser.currentName());
      JsonToken value = parser.nextToken();
      if (isTime && problem == null) {
        problem = checkTime(parser, value);
      }
      parser.skipChildren();
    }
    if (token != JsonToken.END_OBJECT) {
      throw new IllegalStateException("unexpected token in object: " + token);
    }
    return problem;
  }

  private static String checkTime(JsonParser parser, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_NULL) {
      return null; // like a missing time: Fluentd uses the time of receipt
    }
    if (value == JsonToken.VALUE_STRING) {
      String text = parser.getText();
      return FluentdTimeFormat.parses(text)
          ? null
          : "invalid time format: value = "
              + text
              + ", error_class = ArgumentError, error = string doesn't match";
    }
    String shown = value.isStructStart() ? rubyClass(value) : parser.getText();
    return "value must be string: " + shown;
  }

  private static String rubyClass(JsonToken token) {
    return switch (token) {
      case VALUE_NUMBER_INT -> "Integer";
      case VALUE_NUMBER_FLOAT -> "Float";
      case VALUE_STRING -> "String";
      case VALUE_TRUE -> "TrueClass";
      case VALUE_FALSE -> "FalseClass";
      case VALUE_NULL -> "NilClass";
      case START_ARRAY -> "Array";
      default -> "Hash";
    };
  }

  private static Parsed notJson(byte[] body) {
    return Parsed.error(
        400, "Received event is not json: " + new String(body, StandardCharsets.UTF_8));
  }
}
