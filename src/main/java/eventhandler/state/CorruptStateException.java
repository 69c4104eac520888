package eventhandler.state;

import java.io.IOException;
import java.nio.file.Path;

/** A state file exists but cannot be read; the message names the file and what to do about it. */
public final class CorruptStateException extends IOException {
  private final Path file;

  public CorruptStateException(Path file, String problem, String remedy) {
    super("State file " + file + " is corrupt: " + problem + ". " + remedy);
    this.file = file;
  }

  public Path file() {
    return file;
  }
}
