package eventhandler.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import eventhandler.files.PrivateFiles;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The storage directory, in the Go plugin's layout and file formats so a user can switch between
 * the Go binary and this one in either direction and resume where the other stopped.
 *
 * <p>Layout of {@code <storage>/<host>_<port>/} (a flat diskv store in Go):
 *
 * <ul>
 *   <li>{@code start_time}, {@code window_time}: RFC 3339 text truncated to seconds;
 *   <li>{@code cursor}, {@code id}: the legacy page cursor and the id of the last exported event;
 *   <li>{@code session<sid>}: the index of the last handled session event, 8 bytes big-endian;
 *   <li>{@code missing_recording<sid>}: JSON {@code {"Index":..,"Attempt":..,"Timestamp":..}};
 *   <li>{@code cursor_v2/<YYYY-MM-DD>/completed-chunks}: bulk-export chunks done, one per line,
 *       append-only; {@code cursor_v2/<YYYY-MM-DD>/<chunk>.chunk}: the cursor of a chunk in
 *       progress. A date directory exists from the moment its export starts, even when empty.
 * </ul>
 *
 * <p>Every file is replaced atomically and durably (temporary file, fsync, rename); new files get
 * mode 0600 and new directories 0700. {@code completed-chunks} is the one file appended to in place
 * (as Go does), with an fsync per line; a torn last line left by a crash is ignored on read and cut
 * off before the next append. Leftover temporary files from a crash are removed on open.
 *
 * <p>One process per storage directory. Methods are safe to call from several threads; writes to
 * the same key are last-writer-wins.
 */
public final class StateStore {
  static final String START_TIME = "start_time";
  static final String WINDOW_TIME = "window_time";
  static final String CURSOR = "cursor";
  static final String LAST_ID = "id";
  static final String SESSION_PREFIX = "session";
  static final String MISSING_RECORDING_PREFIX = "missing_recording";
  static final String CURSOR_V2 = "cursor_v2";
  static final String COMPLETED_CHUNKS = "completed-chunks";
  static final String CHUNK_SUFFIX = ".chunk";
  static final String DRY_RUN = "dry_run";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] EMPTY = new byte[0];

  private final Path dir;
  private final Path cursorV2Dir;
  private final Object chunkLock = new Object();

  private StateStore(Path dir) {
    this.dir = dir;
    this.cursorV2Dir = dir.resolve(CURSOR_V2);
  }

  /** Opens (creating if needed) {@code <storage>/<host>_<port>/} for {@code --teleport-addr}. */
  public static StateStore open(Path storage, String teleportAddr) throws IOException {
    return openDirectory(storage.resolve(directoryName(teleportAddr)));
  }

  /**
   * Opens a fresh store for {@code --dry-run} in {@code <storage>/<host>_<port>/dry_run/<random>},
   * as the Go plugin does, so a dry run never moves the real cursors.
   */
  public static StateStore openDryRun(Path storage, String teleportAddr, SecureRandom random)
      throws IOException {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return openDirectory(
        storage
            .resolve(directoryName(teleportAddr))
            .resolve(DRY_RUN)
            .resolve(HexFormat.of().formatHex(bytes)));
  }

  /**
   * The start time stored for {@code teleportAddr}, read without creating anything (for {@code
   * start --check}); empty when there is no state yet.
   */
  public static Optional<Instant> storedStartTime(Path storage, String teleportAddr)
      throws IOException {
    Path dir = storage.resolve(directoryName(teleportAddr));
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    return new StateStore(dir).startTime();
  }

  /** Opens (creating if needed) a store in exactly {@code dir}. */
  public static StateStore openDirectory(Path dir) throws IOException {
    PrivateFiles.createDirectories(dir);
    StateStore store = new StateStore(dir);
    store.removeLeftoverTemporaryFiles();
    return store;
  }

  /**
   * The store's directory name for a Teleport address, {@code host_port}, split the way Go's {@code
   * net.SplitHostPort} does ({@code [::1]:3025} gives {@code ::1_3025}).
   *
   * @throws IllegalArgumentException if the address is not {@code host:port}
   */
  public static String directoryName(String teleportAddr) {
    String host;
    String port;
    if (teleportAddr.startsWith("[")) {
      int close = teleportAddr.indexOf(']');
      if (close < 0
          || close + 1 >= teleportAddr.length()
          || teleportAddr.charAt(close + 1) != ':') {
        throw badAddress(teleportAddr);
      }
      host = teleportAddr.substring(1, close);
      port = teleportAddr.substring(close + 2);
    } else {
      int colon = teleportAddr.lastIndexOf(':');
      if (colon < 0) {
        throw badAddress(teleportAddr);
      }
      host = teleportAddr.substring(0, colon);
      port = teleportAddr.substring(colon + 1);
      if (host.indexOf(':') >= 0) {
        throw badAddress(teleportAddr);
      }
    }
    if (host.contains("[") || host.contains("]") || port.contains("[") || port.contains("]")) {
      throw badAddress(teleportAddr);
    }
    String name = (host + "_" + port).strip();
    if (name.equals("_") || name.contains("/") || name.indexOf('\0') >= 0) {
      throw badAddress(teleportAddr);
    }
    return name;
  }

  private static IllegalArgumentException badAddress(String teleportAddr) {
    return new IllegalArgumentException(
        "Cannot name the storage directory after Teleport address '"
            + teleportAddr
            + "': --teleport-addr must be host:port, for example teleport.example.com:443");
  }

  public Path directory() {
    return dir;
  }

  // ---- start time, legacy cursor ------------------------------------------------------------

  /** The export start time; it cannot change once set. */
  public Optional<Instant> startTime() throws IOException {
    return readTime(START_TIME, "remove it to start again from --start-time (or from now)");
  }

  public void setStartTime(Instant startTime) throws IOException {
    writeTime(START_TIME, Optional.of(startTime));
  }

  /** Start of the time window the legacy search paging was reading. */
  public Optional<Instant> windowTime() throws IOException {
    return readTime(WINDOW_TIME, "remove it to read again from start_time");
  }

  public void setWindowTime(Optional<Instant> windowTime) throws IOException {
    writeTime(WINDOW_TIME, windowTime);
  }

  /** The legacy page cursor; empty when not set. */
  public String cursor() throws IOException {
    return readString(CURSOR);
  }

  public void setCursor(String cursor) throws IOException {
    write(dir.resolve(CURSOR), cursor.getBytes(StandardCharsets.UTF_8));
  }

  /** The id of the last exported event (legacy paging); empty when not set. */
  public String lastId() throws IOException {
    return readString(LAST_ID);
  }

  public void setLastId(String lastId) throws IOException {
    write(dir.resolve(LAST_ID), lastId.getBytes(StandardCharsets.UTF_8));
  }

  public LegacyCursor legacyCursor() throws IOException {
    return new LegacyCursor(cursor(), lastId(), windowTime());
  }

  /**
   * Writes {@code cursor}, {@code id} and {@code window_time}, each atomically, in the Go plugin's
   * order. Three files cannot change in one step; a crash between them can only make the next start
   * send some events again.
   */
  public void setLegacyCursor(LegacyCursor legacy) throws IOException {
    setCursor(legacy.cursor());
    setLastId(legacy.lastId());
    setWindowTime(legacy.windowStart());
  }

  // ---- session recordings -------------------------------------------------------------------

  /** Sessions whose recording is being exported: session id to the index to resume from. */
  public SortedMap<String, Long> sessions() throws IOException {
    SortedMap<String, Long> sessions = new TreeMap<>();
    for (Path file : keysWithPrefix(SESSION_PREFIX)) {
      String sid = file.getFileName().toString().substring(SESSION_PREFIX.length());
      byte[] bytes = readIfExists(file);
      if (bytes == null) {
        continue; // removed while listing: the session just finished
      }
      if (bytes.length == 0) {
        sessions.put(sid, 0L); // Go treats an empty file as index 0
      } else if (bytes.length == Long.BYTES) {
        sessions.put(sid, ByteBuffer.wrap(bytes).getLong());
      } else {
        throw new CorruptStateException(
            file,
            "expected an 8-byte big-endian event index, found " + bytes.length + " bytes",
            "Remove it to skip this session's recording, or write 8 zero bytes to it to export the"
                + " recording again from its start");
      }
    }
    return sessions;
  }

  /** Whether {@code session<sid>} exists: one file looked at, not the whole directory. */
  public boolean hasSession(String sessionId) {
    checkKeyPart(sessionId, "session id");
    return Files.exists(dir.resolve(SESSION_PREFIX + sessionId), LinkOption.NOFOLLOW_LINKS);
  }

  public void setSessionIndex(String sessionId, long index) throws IOException {
    checkKeyPart(sessionId, "session id");
    write(
        dir.resolve(SESSION_PREFIX + sessionId),
        ByteBuffer.allocate(Long.BYTES).putLong(index).array());
  }

  public void removeSession(String sessionId) throws IOException {
    checkKeyPart(sessionId, "session id");
    delete(dir.resolve(SESSION_PREFIX + sessionId));
  }

  /** Sessions whose recording was not found yet, to be tried again later. */
  public SortedMap<String, MissingRecording> missingRecordings() throws IOException {
    SortedMap<String, MissingRecording> missing = new TreeMap<>();
    for (Path file : keysWithPrefix(MISSING_RECORDING_PREFIX)) {
      String sid = file.getFileName().toString().substring(MISSING_RECORDING_PREFIX.length());
      byte[] bytes = readIfExists(file);
      if (bytes != null) {
        missing.put(sid, parseMissingRecording(file, bytes));
      }
    }
    return missing;
  }

  /**
   * Records a session whose recording was not found and forgets its {@code session<sid>} entry, as
   * the Go plugin does.
   */
  public void setMissingRecording(String sessionId, MissingRecording record) throws IOException {
    checkKeyPart(sessionId, "session id");
    String json =
        "{\"Index\":"
            + record.index()
            + ",\"Attempt\":"
            + record.attempt()
            + ",\"Timestamp\":\""
            + GoTimeText.formatNano(record.uploadTime())
            + "\"}";
    write(dir.resolve(MISSING_RECORDING_PREFIX + sessionId), json.getBytes(StandardCharsets.UTF_8));
    removeSession(sessionId);
  }

  public void removeMissingRecording(String sessionId) throws IOException {
    checkKeyPart(sessionId, "session id");
    delete(dir.resolve(MISSING_RECORDING_PREFIX + sessionId));
  }

  private static MissingRecording parseMissingRecording(Path file, byte[] bytes)
      throws CorruptStateException {
    String remedy = "Remove it to give up on this session's recording";
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
      switch (field.getKey().toLowerCase(java.util.Locale.ROOT)) {
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

  // ---- bulk export cursor (cursor_v2) -------------------------------------------------------

  /** The UTC dates the bulk export has state for, oldest first. */
  public SortedSet<LocalDate> dates() throws IOException {
    SortedSet<LocalDate> dates = new TreeSet<>();
    if (!Files.isDirectory(cursorV2Dir)) {
      return dates;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(cursorV2Dir)) {
      for (Path entry : entries) {
        if (!Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        try {
          dates.add(LocalDate.parse(entry.getFileName().toString()));
        } catch (DateTimeParseException ignored) {
          // Go ignores directories that are not dates too.
        }
      }
    }
    return dates;
  }

  /** Starts tracking {@code date}; its directory's existence matters even while empty. */
  public void addDate(LocalDate date) throws IOException {
    dateDir(date, true);
  }

  /** Chunks of {@code date} exported completely, in the order they completed. */
  public Set<String> completedChunks(LocalDate date) throws IOException {
    byte[] bytes = readIfExists(dateDir(date, false).resolve(COMPLETED_CHUNKS));
    Set<String> chunks = new LinkedHashSet<>();
    if (bytes == null) {
      return chunks;
    }
    int end = lastNewline(bytes) + 1; // a torn last line (no newline) was never completed
    for (String chunk : new String(bytes, 0, end, StandardCharsets.UTF_8).split("\\s+")) {
      if (!chunk.isEmpty()) {
        chunks.add(chunk);
      }
    }
    return chunks;
  }

  /**
   * Appends {@code chunk} to {@code completed-chunks} durably, then removes its {@code .chunk}
   * cursor file. A crash in between leaves both; the completed list wins.
   */
  public void markChunkCompleted(LocalDate date, String chunk) throws IOException {
    checkChunkName(chunk);
    synchronized (chunkLock) {
      Path dateDir = dateDir(date, true);
      if (!completedChunks(date).contains(chunk)) {
        appendLine(dateDir.resolve(COMPLETED_CHUNKS), chunk);
      }
      delete(dateDir.resolve(chunk + CHUNK_SUFFIX));
    }
  }

  /** Cursors of the chunks of {@code date} in progress (completed chunks are left out). */
  public SortedMap<String, String> chunkCursors(LocalDate date) throws IOException {
    SortedMap<String, String> cursors = new TreeMap<>();
    Path dateDir = dateDir(date, false);
    if (!Files.isDirectory(dateDir)) {
      return cursors;
    }
    Set<String> completed = completedChunks(date);
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dateDir)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (!name.endsWith(CHUNK_SUFFIX) || !Files.isRegularFile(entry)) {
          continue;
        }
        String chunk = name.substring(0, name.length() - CHUNK_SUFFIX.length());
        byte[] bytes = readIfExists(entry);
        if (bytes == null || completed.contains(chunk)) {
          continue;
        }
        String cursor = new String(bytes, StandardCharsets.UTF_8).strip();
        if (!cursor.isEmpty()) { // Go ignores empty cursor files
          cursors.put(chunk, cursor);
        }
      }
    }
    return cursors;
  }

  public void setChunkCursor(LocalDate date, String chunk, String cursor) throws IOException {
    checkChunkName(chunk);
    synchronized (chunkLock) {
      write(
          dateDir(date, true).resolve(chunk + CHUNK_SUFFIX),
          cursor.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Forgets {@code date} entirely (its directory and everything in it). */
  public void removeDate(LocalDate date) throws IOException {
    synchronized (chunkLock) {
      Path dateDir = dateDir(date, false);
      if (!Files.exists(dateDir, LinkOption.NOFOLLOW_LINKS)) {
        return;
      }
      try (Stream<Path> tree = Files.walk(dateDir)) {
        for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(path);
        }
      }
      PrivateFiles.syncDirectory(cursorV2Dir);
    }
  }

  private Path dateDir(LocalDate date, boolean create) throws IOException {
    Path dateDir = cursorV2Dir.resolve(date.toString()); // ISO yyyy-MM-dd, as Go's time.DateOnly
    if (create && !Files.isDirectory(dateDir)) {
      PrivateFiles.createDirectories(dateDir);
      PrivateFiles.syncDirectory(cursorV2Dir);
      PrivateFiles.syncDirectory(dir);
    }
    return dateDir;
  }

  private static void appendLine(Path file, String line) throws IOException {
    boolean created = !Files.exists(file);
    if (created) {
      try {
        Files.createFile(file, PrivateFiles.attributes(PrivateFiles.FILE_MODE));
      } catch (FileAlreadyExistsException ignored) {
        created = false;
      }
    }
    // java.io, not a channel: an interrupt (a stop) must not make the append fail.
    try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
      long size = out.length();
      long end = completeLinesEnd(out, size);
      if (end < size) {
        out.setLength(end); // drop a torn line left by a crash mid-append
      }
      out.seek(end);
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      out.getFD().sync();
    }
    if (created) {
      PrivateFiles.syncDirectory(file.getParent());
    }
  }

  /** Length of the file up to and including its last newline. */
  private static long completeLinesEnd(RandomAccessFile file, long size) throws IOException {
    long position = size;
    byte[] block = new byte[4096];
    while (position > 0) {
      int length = (int) Math.min(block.length, position);
      long start = position - length;
      file.seek(start);
      file.readFully(block, 0, length);
      for (int i = length - 1; i >= 0; i--) {
        if (block[i] == '\n') {
          return start + i + 1;
        }
      }
      position = start;
    }
    return 0;
  }

  private static int lastNewline(byte[] bytes) {
    for (int i = bytes.length - 1; i >= 0; i--) {
      if (bytes[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  // ---- files --------------------------------------------------------------------------------

  private Optional<Instant> readTime(String key, String remedy) throws IOException {
    Path file = dir.resolve(key);
    byte[] bytes = readIfExists(file);
    if (bytes == null) {
      return Optional.empty();
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (text.isBlank()) {
      return Optional.empty(); // Go writes "" for "not set"
    }
    Instant instant;
    try {
      instant = GoTimeText.parse(text);
    } catch (DateTimeParseException e) {
      throw new CorruptStateException(
          file, "expected an RFC 3339 time such as 2021-05-05T00:00:00Z", remedy);
    }
    if (instant.equals(GoTimeText.GO_ZERO_TIME)) {
      return Optional.empty(); // Go's zero time also means "not set"
    }
    return Optional.of(GoTimeText.truncateToSeconds(instant));
  }

  private void writeTime(String key, Optional<Instant> time) throws IOException {
    byte[] bytes =
        time.map(t -> GoTimeText.formatSeconds(t).getBytes(StandardCharsets.UTF_8)).orElse(EMPTY);
    write(dir.resolve(key), bytes);
  }

  private String readString(String key) throws IOException {
    byte[] bytes = readIfExists(dir.resolve(key));
    return bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
  }

  /** Top-level regular files named {@code prefix<something>}, like diskv's {@code KeysPrefix}. */
  private SortedSet<Path> keysWithPrefix(String prefix) throws IOException {
    SortedSet<Path> files = new TreeSet<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, prefix + "?*")) {
      for (Path entry : entries) {
        if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
          files.add(entry);
        }
      }
    }
    return files;
  }

  /**
   * The file's bytes, or null if it does not exist; through java.io so an interrupt cannot fail it.
   */
  private static byte[] readIfExists(Path file) throws IOException {
    try (FileInputStream in = new FileInputStream(file.toFile())) {
      return in.readAllBytes();
    } catch (FileNotFoundException e) {
      if (Files.notExists(file, LinkOption.NOFOLLOW_LINKS)) {
        return null;
      }
      throw e; // for example permission denied, or a directory
    }
  }

  private static void write(Path file, byte[] content) throws IOException {
    PrivateFiles.writeAtomically(file, content);
  }

  private static void delete(Path file) throws IOException {
    if (Files.deleteIfExists(file)) {
      PrivateFiles.syncDirectory(file.getParent());
    }
  }

  /** Temporary files of {@link PrivateFiles#writeAtomically} that a crash left behind. */
  private void removeLeftoverTemporaryFiles() throws IOException {
    removeTemporaryFilesIn(dir);
    for (LocalDate date : dates()) {
      removeTemporaryFilesIn(dateDir(date, false));
    }
  }

  private static void removeTemporaryFilesIn(Path directory) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, ".*.tmp")) {
      for (Path entry : entries) {
        if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
          Files.deleteIfExists(entry);
        }
      }
    }
  }

  private static void checkKeyPart(String value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isEmpty() || value.indexOf('/') >= 0 || value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(
          "Invalid " + what + " '" + value + "': it must be non-empty without '/' or NUL");
    }
  }

  private static void checkChunkName(String chunk) {
    checkKeyPart(chunk, "chunk name");
    // completed-chunks is split on whitespace, so a name with whitespace could not be read back.
    if (chunk.codePoints().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("Invalid chunk name '" + chunk + "': it contains spaces");
    }
  }
}
