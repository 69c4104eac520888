package eventhandler.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateFilesTest {
  @TempDir Path dir;

  @Test
  void writesAtomicallyOnAnInterruptedThreadAndKeepsTheInterrupt() throws Exception {
    Path file = dir.resolve("cursor");
    Files.writeString(file, "old");
    Thread.currentThread().interrupt();
    try {
      PrivateFiles.writeAtomically(file, "new".getBytes(StandardCharsets.UTF_8));
    } finally {
      assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
    }
    assertThat(file).hasContent("new");
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PrivateFiles.FILE_MODE);
    try (var leftovers = Files.list(dir)) {
      assertThat(leftovers).containsExactly(file);
    }
  }
}
