package eventhandler.pipeline.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waits for a reader running on a pool and rethrows its failure as the caller's own. */
final class ReaderFutures {
  private ReaderFutures() {}

  /**
   * Waits for {@code future}: an interrupt stays an interrupt, a state file that could not be
   * written stays an I/O failure (its message names the file), anything else says {@code what}.
   */
  static void await(Future<?> future, String what) throws InterruptedException {
    try {
      future.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof InterruptedException interrupted) {
        throw interrupted;
      }
      if (cause instanceof UncheckedIOException io) {
        throw io;
      }
      if (cause instanceof IOException io) {
        throw new UncheckedIOException("cannot save the export state: " + io.getMessage(), io);
      }
      throw new IllegalStateException(what + " failed", cause);
    }
  }
}
