package eventhandler.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** A missing middlebox skips a test on a developer's machine and fails it in CI. */
class MiddleboxesTest {
  @Test
  void aMiddleboxThatIsThereIsReturned() {
    assertThat(
            Middleboxes.require(
                "nginx", Optional.of(Path.of("/usr/sbin/nginx")), Map.of("CI", "true")))
        .isEqualTo(Path.of("/usr/sbin/nginx"));
  }

  @Test
  void aMissingMiddleboxSkipsTheTestOutsideCiAndSaysHowToInstallIt() {
    assertThatThrownBy(() -> Middleboxes.require("tinyproxy", Optional.empty(), Map.of()))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("tinyproxy is not installed")
        .hasMessageContaining("apt-get install nginx-core libnginx-mod-stream tinyproxy");
    assertThatThrownBy(
            () -> Middleboxes.require("tinyproxy", Optional.empty(), Map.of("CI", "false")))
        .isInstanceOf(TestAbortedException.class);
  }

  @Test
  void aMissingMiddleboxFailsTheTestInCi() {
    assertThatThrownBy(() -> Middleboxes.require("nginx", Optional.empty(), Map.of("CI", "true")))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("nginx is not installed")
        .hasMessageContaining("apt-get install nginx-core libnginx-mod-stream tinyproxy")
        .hasMessageContaining(".ci/run must install it");
  }

  @Test
  void binariesAreFoundOnThePathAndInTheSbinDirectoriesItMayLack() {
    assertThat(Middleboxes.find("sh", "/no/such/dir"))
        .as("sh, found in the system dirs")
        .isPresent();
    assertThat(Middleboxes.find("no-such-middlebox", System.getenv("PATH"))).isEmpty();
  }
}
