package eventhandler.files;

import com.sun.security.auth.module.UnixSystem;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

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

  private static String reason(FileSystemException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied for user id " + userId() + " (it cannot write or read there)";
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

  /** The user id of this process, or "unknown" off Unix. */
  public static String userId() {
    try {
      return Long.toString(new UnixSystem().getUid());
    } catch (RuntimeException | LinkageError e) {
      return "unknown";
    }
  }
}
