package eventhandler.sink;

import eventhandler.files.PrivateFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The lock every change of a dead-letter file takes: {@code start} appending a line, {@code
 * dead-letters replay} rewriting the file. It is an advisory lock on {@code <file>.lock}, taken by
 * whole processes, and, since a JVM may not lock one file twice, a lock per file within this JVM.
 * With it, a replay beside a running {@code start} loses no line {@code start} appends.
 *
 * <p>The locked work runs on a thread of its own, waited for without interruption: an interrupt
 * closes a file channel for good, and a stop interrupts the threads that write dead letters.
 */
public final class DeadLetterLock {
  private static final Map<Path, ReentrantLock> IN_THIS_JVM = new ConcurrentHashMap<>();
  private static final ExecutorService WORKER =
      Executors.newCachedThreadPool(
          runnable -> {
            Thread thread = new Thread(runnable, "dead-letter-lock");
            thread.setDaemon(true);
            return thread;
          });

  /** A task run under the lock. */
  public interface Locked<T> {
    T run() throws IOException;
  }

  private DeadLetterLock() {}

  /** Runs {@code task} holding the lock of dead-letter file {@code file}. */
  public static <T> T around(Path file, Locked<T> task) throws IOException {
    Future<T> result = WORKER.submit(() -> locked(file, task));
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return result.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          if (e.getCause() instanceof IOException io) {
            throw io;
          }
          if (e.getCause() instanceof RuntimeException runtime) {
            throw runtime;
          }
          throw new IOException(e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static <T> T locked(Path file, Locked<T> task) throws IOException {
    Path absolute = file.toAbsolutePath().normalize();
    ReentrantLock local = IN_THIS_JVM.computeIfAbsent(absolute, key -> new ReentrantLock());
    local.lock();
    try {
      Path parent = absolute.getParent();
      if (parent != null) {
        PrivateFiles.createDirectories(parent);
      }
      Path lockFile = absolute.resolveSibling(absolute.getFileName() + ".lock");
      try (FileChannel channel =
              FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = channel.lock()) {
        return task.run();
      }
    } finally {
      local.unlock();
    }
  }
}
