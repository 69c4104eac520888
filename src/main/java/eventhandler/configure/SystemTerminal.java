package eventhandler.configure;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The real process terminal: {@code System.in} and {@code System.console()}. */
public final class SystemTerminal implements Terminal {
  private static final int FILE_TYPE_MASK = 0170000;
  private static final int CHARACTER_DEVICE = 0020000;

  @Override
  public boolean stdinIsTerminal() {
    // System.console() is null as soon as stdout is redirected, so it cannot tell whether stdin
    // alone is a terminal; the file type of /dev/stdin can (POSIX systems).
    try {
      Object mode = Files.getAttribute(Path.of("/dev/stdin"), "unix:mode");
      return ((Integer) mode & FILE_TYPE_MASK) == CHARACTER_DEVICE;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return System.console() != null;
    }
  }

  @Override
  public InputStream stdin() {
    return System.in;
  }

  @Override
  public boolean interactive() {
    return System.console() != null;
  }

  @Override
  public Optional<String> ask(String question) {
    Console console = System.console();
    if (console == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(console.readLine("%s", question));
  }
}
