package eventhandler.sink;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import eventhandler.files.PrivateFiles;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * Events that could not be delivered and will not be retried, one JSON object per line, appended to
 * a file only the owner can read (0600). Each line is flushed to disk before {@code append}
 * returns, because the caller moves its checkpoint past the event right after. Each append opens
 * the file under {@link DeadLetterLock}, so that {@code dead-letters replay} may replace the file
 * meanwhile (a stream kept open would write into the replaced file, lost).
 *
 * <p>Line shape: {@code {"time":"<RFC 3339>","reason":"...",<details...>,"event":<event>}}; the
 * event is embedded as JSON when it parses, otherwise as a string. The file is created on the first
 * append. Safe for concurrent use.
 */
public final class DeadLetterFile implements AutoCloseable {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ObjectReader STRICT_READER =
      MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final Path file;
  private final Clock clock;
  private long appended;

  public DeadLetterFile(Path file, Clock clock) {
    this.file = file;
    this.clock = clock;
  }

  public Path path() {
    return file;
  }

  /** Appends one event given as UTF-8 bytes ({@code null} when there is no event to keep). */
  public void append(String reason, Map<String, ?> details, byte[] eventJson) throws IOException {
    appendLine(line(reason, details, parseOrText(eventJson)));
  }

  /** Appends one event given as text ({@code null} when there is no event to keep). */
  public void append(String reason, Map<String, ?> details, String eventJson) throws IOException {
    appendLine(
        line(
            reason,
            details,
            parseOrText(eventJson == null ? null : eventJson.getBytes(StandardCharsets.UTF_8))));
  }

  /** Lines this instance appended. */
  public synchronized long appended() {
    return appended;
  }

  /** Nothing stays open between appends; kept so that callers can close it as a resource. */
  @Override
  public void close() throws IOException {}

  private byte[] line(String reason, Map<String, ?> details, JsonNode event) throws IOException {
    ObjectNode line = MAPPER.createObjectNode();
    line.put("time", clock.instant().toString());
    line.put("reason", reason);
    details.forEach((key, value) -> line.set(key, MAPPER.valueToTree(value)));
    line.set("event", event);
    byte[] json = MAPPER.writeValueAsBytes(line);
    byte[] withNewline = new byte[json.length + 1];
    System.arraycopy(json, 0, withNewline, 0, json.length);
    withNewline[json.length] = '\n';
    return withNewline;
  }

  private static JsonNode parseOrText(byte[] eventJson) {
    if (eventJson == null) {
      return MAPPER.getNodeFactory().nullNode();
    }
    try {
      JsonNode node = STRICT_READER.readTree(eventJson);
      if (node != null && !node.isMissingNode()) {
        return node;
      }
    } catch (IOException notJson) {
      // Kept as text below: the event is exactly what was refused.
    }
    return MAPPER.getNodeFactory().textNode(new String(eventJson, StandardCharsets.UTF_8));
  }

  private synchronized void appendLine(byte[] line) throws IOException {
    DeadLetterLock.around(
        file,
        () -> {
          try (FileOutputStream out = open()) {
            out.write(line);
            out.getFD().sync();
          }
          return null;
        });
    appended++;
  }

  /**
   * Opens the file for appending through {@code java.io}: a NIO channel would be closed for good by
   * an interrupt of whichever thread happens to write, and the dead letter would fail.
   */
  private FileOutputStream open() throws IOException {
    try {
      Files.createFile(file, PrivateFiles.attributes(PrivateFiles.FILE_MODE));
    } catch (FileAlreadyExistsException e) {
      // A file left by an older run or created by hand may be readable by others; fix that.
      if (!Files.getPosixFilePermissions(file).equals(PrivateFiles.FILE_MODE)) {
        Files.setPosixFilePermissions(file, PrivateFiles.FILE_MODE);
      }
    }
    return new FileOutputStream(file.toFile(), true);
  }
}
