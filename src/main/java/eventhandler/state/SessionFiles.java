package eventhandler.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Session recordings in progress: {@code session<sid>} holds the index to resume from (8 bytes,
 * big-endian); {@code missing_recording<sid>} is JSON {@code {"Index":..,"Attempt":..,
 * "Timestamp":..}} for a recording not found yet.
 */
final class SessionFiles {
  static final String SESSION_PREFIX = "session";
  static final String MISSING_RECORDING_PREFIX = "missing_recording";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final StateFiles files;

  SessionFiles(Path dir, StateFiles files) {
    this.dir = dir;
    this.files = files;
  }

  Path sessionFile(String sessionId) {
    StateFiles.checkKeyPart(sessionId, "session id");
    return dir.resolve(SESSION_PREFIX + sessionId);
  }

  Path missingFile(String sessionId) {
    StateFiles.checkKeyPart(sessionId, "session id");
    return dir.resolve(MISSING_RECORDING_PREFIX + sessionId);
  }

  /** Every {@code session<sid>} file (whatever it holds), by session id. */
  SortedMap<String, Path> sessionFiles() throws IOException {
    return byId(SESSION_PREFIX);
  }

  /** Every {@code missing_recording<sid>} file (whatever it holds), by session id. */
  SortedMap<String, Path> missingFiles() throws IOException {
    return byId(MISSING_RECORDING_PREFIX);
  }

  SortedMap<String, Long> sessions() throws IOException {
    SortedMap<String, Long> sessions = new TreeMap<>();
    for (var entry : sessionFiles().entrySet()) {
      byte[] bytes = StateFiles.readIfExists(entry.getValue());
      if (bytes == null) {
        continue; // removed while listing: the session just finished
      }
      String problem = indexProblem(bytes);
      if (problem != null) {
        throw new CorruptStateException(
            entry.getValue(),
            problem,
            "Start the program again: it exports this recording again from its start");
      }
      sessions.put(entry.getKey(), index(bytes));
    }
    return sessions;
  }

  boolean hasSession(String sessionId) {
    return java.nio.file.Files.exists(sessionFile(sessionId), LinkOption.NOFOLLOW_LINKS);
  }

  void setSessionIndex(String sessionId, long index) throws IOException {
    files.write(sessionFile(sessionId), ByteBuffer.allocate(Long.BYTES).putLong(index).array());
  }

  void removeSession(String sessionId) throws IOException {
    StateFiles.delete(sessionFile(sessionId));
  }

  /**
   * Why {@code bytes} is not a resume index: not 8 bytes, or outside what a recording's index can
   * be (0 to 2^31 - 1, the range of the request's {@code start_index}); null when fine. Empty reads
   * as 0, as in Go: the recording from its start, which is also what a repair would do.
   */
  static String indexProblem(byte[] bytes) {
    if (bytes.length == 0) {
      return null;
    }
    if (bytes.length != Long.BYTES) {
      return "expected an 8-byte big-endian event index, found " + bytes.length + " bytes";
    }
    long index = index(bytes);
    if (index < 0 || index > Integer.MAX_VALUE) {
      return "the event index " + index + " is outside 0.." + Integer.MAX_VALUE;
    }
    return null;
  }

  private static long index(byte[] bytes) {
    return bytes.length == 0 ? 0 : ByteBuffer.wrap(bytes).getLong();
  }

  SortedMap<String, MissingRecording> missingRecordings() throws IOException {
    SortedMap<String, MissingRecording> missing = new TreeMap<>();
    for (var entry : missingFiles().entrySet()) {
      byte[] bytes = StateFiles.readIfExists(entry.getValue());
      if (bytes != null) {
        missing.put(entry.getKey(), parseMissing(entry.getValue(), bytes));
      }
    }
    return missing;
  }

  void setMissingRecording(String sessionId, MissingRecording record) throws IOException {
    writeMissing(sessionId, record);
    removeSession(sessionId);
  }

  /** Writes {@code missing_recording<sid>} only (a repair leaves {@code session<sid>} alone). */
  void writeMissing(String sessionId, MissingRecording record) throws IOException {
    String json =
        "{\"Index\":"
            + record.index()
            + ",\"Attempt\":"
            + record.attempt()
            + ",\"Timestamp\":\""
            + GoTimeText.formatNano(record.uploadTime())
            + "\"}";
    files.write(missingFile(sessionId), json.getBytes(StandardCharsets.UTF_8));
  }

  void removeMissingRecording(String sessionId) throws IOException {
    StateFiles.delete(missingFile(sessionId));
  }

  /** Parses the Go JSON; the start-up check judges the values (ranges, time). */
  static MissingRecording parseMissing(Path file, byte[] bytes) throws CorruptStateException {
    String remedy = "Start the program again: it tries this recording again from its start";
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (IOException e) {
      throw new CorruptStateException(file, "not valid JSON", remedy);
    }
    if (root == null || !root.isObject()) {
      throw new CorruptStateException(file, "expected a JSON object", remedy);
    }
    // Go's encoding/json matches field names case-insensitively.
    JsonNode index = null;
    JsonNode attempt = null;
    JsonNode timestamp = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      switch (field.getKey().toLowerCase(Locale.ROOT)) {
        case "index" -> index = field.getValue();
        case "attempt" -> attempt = field.getValue();
        case "timestamp" -> timestamp = field.getValue();
        default -> {}
      }
    }
    long indexValue = 0;
    if (index != null && !index.isNull()) {
      if (!index.isIntegralNumber() || !index.canConvertToLong()) {
        throw new CorruptStateException(file, "Index is not an integer", remedy);
      }
      indexValue = index.longValue();
    }
    int attemptValue = 0;
    if (attempt != null && !attempt.isNull()) {
      if (!attempt.isIntegralNumber() || !attempt.canConvertToInt()) {
        throw new CorruptStateException(file, "Attempt is not an integer", remedy);
      }
      attemptValue = attempt.intValue();
    }
    Instant uploadTime = GoTimeText.GO_ZERO_TIME;
    if (timestamp != null && !timestamp.isNull()) {
      try {
        uploadTime = GoTimeText.parse(timestamp.textValue() == null ? "" : timestamp.textValue());
      } catch (DateTimeParseException e) {
        throw new CorruptStateException(file, "Timestamp is not an RFC 3339 time", remedy);
      }
    }
    return new MissingRecording(indexValue, attemptValue, uploadTime);
  }

  /**
   * Why a parsed record cannot be right, judged against {@code now}; null when fine. A time after
   * now would keep the recording from ever being given up; Go's zero time would give it up at once.
   */
  static String missingProblem(MissingRecording record, Instant now) {
    if (record.index() < 0 || record.index() > Integer.MAX_VALUE) {
      return "Index " + record.index() + " is outside 0.." + Integer.MAX_VALUE;
    }
    if (record.attempt() < 0) {
      return "Attempt " + record.attempt() + " is negative";
    }
    if (record.uploadTime().equals(GoTimeText.GO_ZERO_TIME)) {
      return "Timestamp is missing";
    }
    if (record.uploadTime().isAfter(now.plus(StateCheck.CLOCK_SKEW))) {
      return "Timestamp " + record.uploadTime() + " is after now (" + now + ")";
    }
    return null;
  }

  private SortedMap<String, Path> byId(String prefix) throws IOException {
    SortedMap<String, Path> found = new TreeMap<>();
    for (Path file : StateFiles.keysWithPrefix(dir, prefix)) {
      found.put(file.getFileName().toString().substring(prefix.length()), file);
    }
    return found;
  }
}
