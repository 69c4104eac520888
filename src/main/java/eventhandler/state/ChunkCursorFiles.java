package eventhandler.state;

import eventhandler.files.PrivateFiles;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The bulk export's positions, {@code cursor_v2/<YYYY-MM-DD>/}: {@code completed-chunks} (chunks
 * done, one per line, append-only, an fsync per line) and {@code <chunk>.chunk} (the cursor of a
 * chunk in progress). A date directory exists from the moment its export starts, even when empty. A
 * torn last line of {@code completed-chunks} was never completed: ignored on read and cut off
 * before the next append.
 */
final class ChunkCursorFiles {
  static final String CURSOR_V2 = "cursor_v2";
  static final String COMPLETED_CHUNKS = "completed-chunks";
  static final String CHUNK_SUFFIX = ".chunk";

  private final Path dir;
  private final Path cursorV2Dir;
  private final StateFiles files;
  private final Object lock = new Object();

  ChunkCursorFiles(Path dir, StateFiles files) {
    this.dir = dir;
    this.cursorV2Dir = dir.resolve(CURSOR_V2);
    this.files = files;
  }

  Path dateDirectory(LocalDate date) {
    return cursorV2Dir.resolve(date.toString()); // ISO yyyy-MM-dd, as Go's time.DateOnly
  }

  Path cursorFile(LocalDate date, String chunk) {
    checkChunkName(chunk);
    return dateDirectory(date).resolve(chunk + CHUNK_SUFFIX);
  }

  SortedSet<LocalDate> dates() throws IOException {
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

  void addDate(LocalDate date) throws IOException {
    dateDir(date, true);
  }

  Set<String> completedChunks(LocalDate date) throws IOException {
    byte[] bytes = StateFiles.readIfExists(dateDirectory(date).resolve(COMPLETED_CHUNKS));
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

  void markChunkCompleted(LocalDate date, String chunk) throws IOException {
    checkChunkName(chunk);
    synchronized (lock) {
      Path dateDir = dateDir(date, true);
      if (!completedChunks(date).contains(chunk)) {
        Path completed = dateDir.resolve(COMPLETED_CHUNKS);
        try {
          appendLine(completed, chunk);
        } catch (IOException e) {
          throw StateFiles.cannotWrite(completed, e);
        }
      }
      StateFiles.delete(dateDir.resolve(chunk + CHUNK_SUFFIX));
    }
  }

  /** Every {@code <chunk>.chunk} file of {@code date} (whatever it holds), by chunk name. */
  SortedMap<String, Path> cursorFiles(LocalDate date) throws IOException {
    SortedMap<String, Path> found = new TreeMap<>();
    Path dateDir = dateDirectory(date);
    if (!Files.isDirectory(dateDir)) {
      return found;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dateDir, "*" + CHUNK_SUFFIX)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (Files.isRegularFile(entry) && name.length() > CHUNK_SUFFIX.length()) {
          found.put(name.substring(0, name.length() - CHUNK_SUFFIX.length()), entry);
        }
      }
    }
    return found;
  }

  SortedMap<String, String> chunkCursors(LocalDate date) throws IOException {
    SortedMap<String, String> cursors = new TreeMap<>();
    Set<String> completed = completedChunks(date);
    for (var entry : cursorFiles(date).entrySet()) {
      byte[] bytes = StateFiles.readIfExists(entry.getValue());
      if (bytes == null || completed.contains(entry.getKey())) {
        continue;
      }
      String cursor = new String(bytes, StandardCharsets.UTF_8).strip();
      if (!cursor.isEmpty()) { // Go ignores empty cursor files
        cursors.put(entry.getKey(), cursor);
      }
    }
    return cursors;
  }

  /** Why {@code bytes} cannot be a chunk cursor Teleport issued; null when it can be. */
  static String cursorProblem(byte[] bytes) {
    if (bytes.length == 0) {
      return "empty (a chunk cursor file is written with the cursor in it)";
    }
    return StateFiles.isToken(bytes, SearchCursorFiles.MAX_CURSOR_BYTES)
        ? null
        : "not a chunk cursor Teleport issues (printable text without spaces), found "
            + TimeFile.describe(bytes);
  }

  void setChunkCursor(LocalDate date, String chunk, String cursor) throws IOException {
    checkChunkName(chunk);
    synchronized (lock) {
      files.write(
          dateDir(date, true).resolve(chunk + CHUNK_SUFFIX),
          cursor.getBytes(StandardCharsets.UTF_8));
    }
  }

  void removeChunkCursor(LocalDate date, String chunk) throws IOException {
    synchronized (lock) {
      StateFiles.delete(cursorFile(date, chunk));
    }
  }

  void removeDate(LocalDate date) throws IOException {
    synchronized (lock) {
      Path dateDir = dateDirectory(date);
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

  void removeTemporaryFiles() throws IOException {
    for (LocalDate date : dates()) {
      StateFiles.removeTemporaryFilesIn(dateDirectory(date));
    }
  }

  private Path dateDir(LocalDate date, boolean create) throws IOException {
    Path dateDir = dateDirectory(date);
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

  private static void checkChunkName(String chunk) {
    StateFiles.checkKeyPart(chunk, "chunk name");
    // completed-chunks is split on whitespace, so a name with whitespace could not be read back.
    if (chunk.codePoints().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("Invalid chunk name '" + chunk + "': it contains spaces");
    }
  }
}
