package eventhandler.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A {@code --storage} that is a plain file, or under one, must be refused with the same words by
 * the settings binder and by {@code start}: both test classes check it through this.
 */
public final class StorageOnAFile {
  private StorageOnAFile() {}

  /** Sets {@code --storage} in {@code flags} to each case and checks {@code problems}. */
  public static void assertRefused(
      Path dir, Map<Setting, String> flags, Supplier<List<String>> problems) throws IOException {
    Path file = Files.writeString(dir.resolve("file"), "x");
    flags.put(Setting.STORAGE, file.toString());
    assertThat(problems.get())
        .containsExactly(
            "storage (from flag --storage): " + file + " exists but is not a directory");
    flags.put(Setting.STORAGE, file.resolve("sub").toString());
    assertThat(problems.get())
        .containsExactly(
            "storage (from flag --storage): cannot create "
                + file.resolve("sub")
                + ": "
                + file
                + " is not a directory");
  }
}
