package eventhandler.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileErrorsTest {
  @TempDir Path dir;

  @Test
  void accessDeniedOnATemporaryFileNamesItsDirectoryTheOwnerAndThisUser() throws Exception {
    Path mounted = Files.createDirectory(dir.resolve("mounted"));
    Files.setPosixFilePermissions(mounted, PosixFilePermissions.fromString("rwxr-xr-x"));
    // What Files.createTempFile throws when the directory is not writable.
    AccessDeniedException denied =
        new AccessDeniedException(mounted.resolve(".ca.crt.1234.tmp").toString());
    Object owner = Files.getAttribute(mounted, "unix:uid");

    assertThat(FileErrors.describe(denied))
        .isEqualTo(
            mounted.resolve(".ca.crt.1234.tmp")
                + ": permission denied: user id "
                + Files.getAttribute(Path.of("/proc/self"), "unix:uid")
                + " cannot write or read there (directory "
                + mounted
                + " belongs to user id "
                + owner
                + ", mode rwxr-xr-x)");
  }

  @Test
  void aBarePathBecomesAReason() {
    assertThat(FileErrors.describe(new NoSuchFileException("/proc/nope")))
        .isEqualTo("/proc/nope: no such file or directory");
  }

  @Test
  void theUserIdIsThisProcesss() throws Exception {
    assertThat(FileErrors.userId())
        .isEqualTo(String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid")))
        .matches("\\d+");
  }
}
