package eventhandler.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.opentest4j.AssertionFailedError;

/**
 * Which middleboxes this machine has, as JUnit assumptions: a test that needs a missing one is
 * skipped on a developer's machine (with the command that installs it) and fails in CI, where
 * {@code .ci/run} installs them all and a missing one means a broken install step.
 */
public final class Middleboxes {
  static final String INSTALL_COMMAND = "apt-get install nginx-core libnginx-mod-stream tinyproxy";

  /** Where Debian puts the binaries, for a PATH without the sbin directories. */
  private static final List<Path> SYSTEM_DIRS =
      List.of(
          Path.of("/usr/sbin"), Path.of("/usr/bin"), Path.of("/usr/local/sbin"), Path.of("/sbin"));

  private Middleboxes() {}

  /** The nginx binary; skips the test (or fails it in CI) when there is none. */
  public static Path requireNginx() {
    return require("nginx", nginxBinary(), System.getenv());
  }

  /** The nginx binary, which has the {@code stream} module with {@code ssl_preread}. */
  public static Path requireNginxStream() {
    Path nginx = requireNginx();
    require(
        "nginx's stream module ("
            + NginxStreamModule.MODULE_FILE
            + ", package libnginx-mod-stream)",
        NginxStreamModule.of(nginx),
        System.getenv());
    return nginx;
  }

  /** The tinyproxy binary; skips the test (or fails it in CI) when there is none. */
  public static Path requireTinyproxy() {
    return require("tinyproxy", tinyproxyBinary(), System.getenv());
  }

  static Optional<Path> nginxBinary() {
    return find("nginx", System.getenv("PATH"));
  }

  static Optional<Path> tinyproxyBinary() {
    return find("tinyproxy", System.getenv("PATH"));
  }

  /** The binary, for code that starts it: the test's assumption should have checked it before. */
  static Path installed(String program, Optional<Path> binary) {
    return binary.orElseThrow(
        () ->
            new IllegalStateException(
                program
                    + " is not installed; install it with: "
                    + INSTALL_COMMAND
                    + " (call Middleboxes.require"
                    + (program.equals("nginx") ? "Nginx" : "Tinyproxy")
                    + "() first to skip a test on a machine without it)"));
  }

  /** The first executable {@code program} on {@code pathVariable}, then in the system dirs. */
  static Optional<Path> find(String program, String pathVariable) {
    List<Path> dirs = new ArrayList<>();
    if (pathVariable != null) {
      for (String dir : pathVariable.split(File.pathSeparator)) {
        if (!dir.isEmpty()) {
          dirs.add(Path.of(dir));
        }
      }
    }
    dirs.addAll(SYSTEM_DIRS);
    return dirs.stream()
        .map(dir -> dir.resolve(program))
        .filter(file -> Files.isRegularFile(file) && Files.isExecutable(file))
        .findFirst();
  }

  /**
   * {@code found}'s value, or a skipped test ({@code CI} unset) or a failed one ({@code CI} set).
   */
  static <T> T require(String what, Optional<T> found, Map<String, String> environment) {
    if (found.isPresent()) {
      return found.get();
    }
    String message = what + " is not installed; install it with: sudo " + INSTALL_COMMAND;
    if (isCi(environment)) {
      throw new AssertionFailedError(
          message + ". CI is set, so a missing middlebox fails the test: .ci/run must install it.");
    }
    return Assumptions.abort(message);
  }

  static boolean isCi(Map<String, String> environment) {
    String ci = environment.get("CI");
    return ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false");
  }

  /**
   * Whether this JVM runs as root, as CI does: nginx then wants a {@code user} to own its temp
   * directories, which a non-root nginx must not be given.
   */
  static boolean runsAsRoot() {
    try {
      // /proc/self belongs to the process's effective user.
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }
}
