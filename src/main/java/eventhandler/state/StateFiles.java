package eventhandler.state;

import eventhandler.files.PrivateFiles;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Reading and writing the files of one state directory. Every failure names the state file and why:
 * "No space left on device" alone does not say which disk to free.
 */
final class StateFiles {
  /** Replaces a file's content atomically; tests put a failing one in to play a full disk. */
  interface Writer {
    void write(Path file, byte[] content) throws IOException;
  }

  static final Writer ATOMIC = PrivateFiles::writeAtomically;

  private final Writer writer;

  StateFiles(Writer writer) {
    this.writer = writer;
  }

  void write(Path file, byte[] content) throws IOException {
    try {
      writer.write(file, content);
    } catch (IOException e) {
      throw cannotWrite(file, e);
    }
  }

  /** An error naming {@code file} and the cause, with what to do about it. */
  static IOException cannotWrite(Path file, IOException cause) {
    String reason =
        cause instanceof FileSystemException fs && fs.getReason() != null
            ? fs.getReason()
            : Objects.requireNonNullElse(cause.getMessage(), cause.getClass().getSimpleName());
    String fix =
        reason.contains("No space left")
            ? "free space on the file system of "
                + file.getParent()
                + "; started again, the export resumes from the last position saved"
            : "check that " + file.getParent() + " is writable by this user and its disk works";
    return new IOException(
        "cannot write state file " + file + ": " + reason + " (" + fix + ")", cause);
  }

  /**
   * The file's bytes, or null if it does not exist; through java.io so an interrupt cannot fail it.
   */
  static byte[] readIfExists(Path file) throws IOException {
    try {
      return read(file);
    } catch (FileNotFoundException e) {
      if (Files.notExists(file, LinkOption.NOFOLLOW_LINKS)) {
        return null;
      }
      // Renamed into place just now by another flow's save, or not readable (permission denied,
      // a directory): a second read tells the two apart.
      return read(file);
    }
  }

  private static byte[] read(Path file) throws IOException {
    try (FileInputStream in = new FileInputStream(file.toFile())) {
      return in.readAllBytes();
    }
  }

  static void delete(Path file) throws IOException {
    if (Files.deleteIfExists(file)) {
      PrivateFiles.syncDirectory(file.getParent());
    }
  }

  /** Regular files in {@code dir} named {@code prefix<something>}, like diskv's KeysPrefix. */
  static SortedSet<Path> keysWithPrefix(Path dir, String prefix) throws IOException {
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

  /** Temporary files of {@link PrivateFiles#writeAtomically} that a crash left behind. */
  static void removeTemporaryFilesIn(Path directory) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, ".*.tmp")) {
      for (Path entry : entries) {
        if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
          Files.deleteIfExists(entry);
        }
      }
    }
  }

  static void checkKeyPart(String value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isEmpty() || value.indexOf('/') >= 0 || value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(
          "Invalid " + what + " '" + value + "': it must be non-empty without '/' or NUL");
    }
  }

  /**
   * Whether {@code bytes} can be an opaque token Teleport issued (a cursor, an event id): UTF-8
   * text of printable characters without spaces. What a torn write or a stray edit leaves (NUL
   * bytes, line breaks, binary) is not.
   */
  static boolean isToken(byte[] bytes, int maxLength) {
    if (bytes.length == 0 || bytes.length > maxLength) {
      return false;
    }
    String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    if (text.indexOf('\uFFFD') >= 0) {
      return false; // not UTF-8
    }
    return text.codePoints().allMatch(c -> c > 0x20 && c != 0x7f && !Character.isISOControl(c));
  }
}
