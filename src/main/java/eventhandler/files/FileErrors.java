package eventhandler.files;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Says in words what a failed file operation means. Java's file exceptions often carry only the
 * path as their message ("/proc/nope"), which tells a user neither what went wrong nor who was
 * refused.
 */
public final class FileErrors {
  private FileErrors() {}

  /** "PATH: REASON", the reason in words, naming the user id where access was denied. */
  public static String describe(FileSystemException e) {
    String path = e.getFile() == null ? "(unknown file)" : e.getFile();
    if (e.getOtherFile() != null) {
      path = path + " -> " + e.getOtherFile();
    }
    return path + ": " + reason(e);
  }

  /**
   * Why {@code e} happened, in words; an access denied names the directory, its owner and mode, and
   * the user id of this process (a container's non-root user meets a mounted directory it does not
   * own).
   */
  public static String reason(FileSystemException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied: user id " + userId() + " cannot write or read there" + owner(e);
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof NotDirectoryException) {
      return "not a directory";
    }
    if (e instanceof FileAlreadyExistsException) {
      return "already exists";
    }
    if (e instanceof DirectoryNotEmptyException) {
      return "the directory is not empty";
    }
    if (e.getReason() != null) {
      return e.getReason();
    }
    return "cannot be used (" + e.getClass().getSimpleName() + ")";
  }

  /** " (directory D belongs to user id U, mode rwxr-xr-x)", or "" when that cannot be read. */
  private static String owner(FileSystemException e) {
    if (e.getFile() == null) {
      return "";
    }
    Path path = Path.of(e.getFile());
    Path directory = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
    try {
      Object uid = Files.getAttribute(directory, "unix:uid");
      String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(directory));
      return " (directory " + directory + " belongs to user id " + uid + ", mode " + mode + ")";
    } catch (IOException | RuntimeException unreadable) {
      return " (directory " + directory + ")";
    }
  }

  /** The user id of this process, or "unknown" off Linux. */
  public static String userId() {
    try {
      // The owner of /proc/self is this process's user id. (The JDK's UnixSystem was seen to
      // report 0 in a process whose ids setpriv had changed.)
      return String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
