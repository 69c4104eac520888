package eventhandler.state;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A state file is damaged and no position is known to resume from without skipping events; the
 * message names the file, what is wrong with it and what to do. {@code start} ends with exit code
 * 2.
 */
public final class CorruptStateException extends IOException {
  private final String problem;

  public CorruptStateException(Path file, String problem, String remedy) {
    super("state file " + file + " is damaged: " + problem + ". " + remedy);
    this.problem = problem;
  }

  /** What is wrong with the file, without the remedy. */
  public String problem() {
    return problem;
  }
}
