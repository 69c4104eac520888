package eventhandler.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Files of this project, found from the module directory Maven runs the tests in. */
final class ProjectFiles {
  private ProjectFiles() {}

  static Path path(String relative) {
    Path path = Path.of("").toAbsolutePath().resolve(relative);
    if (!Files.exists(path)) {
      throw new IllegalStateException(
          relative + " not found under " + Path.of("").toAbsolutePath());
    }
    return path;
  }

  static String read(String relative) {
    try {
      return Files.readString(path(relative), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
