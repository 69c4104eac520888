package eventhandler.files;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files only their owner may read: mode 0600 for files, 0700 for directories, written atomically
 * (temporary file, fsync, rename, fsync of the directory) so a crash leaves either the old or the
 * new content, never a torn one. Keys, state and dead letters all go through here.
 */
public final class PrivateFiles {
  public static final Set<PosixFilePermission> FILE_MODE =
      PosixFilePermissions.fromString("rw-------");
  public static final Set<PosixFilePermission> DIR_MODE =
      PosixFilePermissions.fromString("rwx------");

  private PrivateFiles() {}

  /** Creates {@code dir} and missing parents; the ones created here get mode 0700. */
  public static Path createDirectories(Path dir) throws IOException {
    Path absolute = dir.toAbsolutePath();
    if (Files.isDirectory(absolute)) {
      return dir;
    }
    Path parent = absolute.getParent();
    if (parent != null) {
      createDirectories(parent);
    }
    try {
      Files.createDirectory(absolute, attributes(DIR_MODE));
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(absolute)) {
        throw e;
      }
    }
    return dir;
  }

  /** Replaces {@code file} with {@code content} atomically and durably, mode 0600. */
  public static void writeAtomically(Path file, byte[] content) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path temp =
        Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp", attributes(FILE_MODE));
    try {
      try (FileOutputStream out = new FileOutputStream(temp.toFile())) {
        writeDurably(out, content);
      }
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      syncDirectory(dir);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Creates a new file with mode 0600 and {@code content}; fails if it exists. */
  public static void writeNew(Path file, byte[] content) throws IOException {
    Files.createFile(file, attributes(FILE_MODE));
    try (FileOutputStream out = new FileOutputStream(file.toFile())) {
      writeDurably(out, content);
    }
  }

  /**
   * Writes and fsyncs through {@code java.io}, which an interrupt cannot break: a NIO channel is
   * closed by {@code Thread.interrupt()}, and a stop interrupts the very threads that save the
   * export position on their way out.
   */
  private static void writeDurably(FileOutputStream out, byte[] content) throws IOException {
    out.write(content);
    out.getFD().sync();
  }

  /** Flushes a directory entry change (a rename or delete) to disk; best effort. */
  public static void syncDirectory(Path dir) {
    // A directory can only be synced through a channel, which an interrupt would close: hold the
    // thread's interrupt back meanwhile and restore it after.
    boolean interrupted = Thread.interrupted();
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException ignored) {
      // Some file systems cannot open a directory for sync; the rename itself is still atomic.
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  public static FileAttribute<Set<PosixFilePermission>> attributes(Set<PosixFilePermission> mode) {
    return PosixFilePermissions.asFileAttribute(mode);
  }
}
