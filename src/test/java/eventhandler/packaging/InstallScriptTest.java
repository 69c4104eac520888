package eventhandler.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The install script, run for real with bash into a temporary prefix. A stand-in jar and a fake
 * {@code java} (which reports a version and prints the arguments it is run with) keep it fast and
 * independent of a build.
 */
class InstallScriptTest {
  private static final String LIB = "lib/teleport-event-handler/teleport-event-handler.jar";
  private static final String BIN = "bin/teleport-event-handler";

  @TempDir Path temp;
  private Path jar;
  private Path java17;

  /** What a run of a script gave. */
  record Run(int exitCode, String stdout, String stderr) {}

  @BeforeEach
  void prepare() throws IOException {
    jar =
        Files.write(
            temp.resolve("stand-in.jar"), "not really a jar".getBytes(StandardCharsets.UTF_8));
    java17 = fakeJava("java17", "17");
  }

  @Test
  void installsTheJarAndALauncherThatRunsItWithTheTlsFlagAndJavaOpts() throws Exception {
    Path prefix = temp.resolve("prefix");

    Run install = installInto(prefix, jar, java17);

    assertThat(install.exitCode()).as(install.stderr()).isZero();
    assertThat(prefix.resolve(LIB)).hasSameBinaryContentAs(jar);
    assertThat(mode(prefix.resolve(LIB))).isEqualTo("rw-r--r--");
    assertThat(mode(prefix.resolve(BIN))).isEqualTo("rwxr-xr-x");

    Run launched =
        run(
            Map.of("JAVA_OPTS", "-Xmx64m -Dx=y"),
            prefix.resolve(BIN).toString(),
            "start",
            "--config=/etc/teleport-event-handler.toml",
            "--teleport-refresh-enabled=true");
    assertThat(launched.exitCode()).as(launched.stderr()).isZero();
    assertThat(launched.stdout().lines())
        .containsExactly(
            "java17",
            "-Xmx64m",
            "-Dx=y",
            "-Djdk.tls.client.enableSessionTicketExtension=false",
            "-jar",
            prefix.resolve(LIB).toString(),
            "start",
            "--config=/etc/teleport-event-handler.toml",
            "--teleport-refresh-enabled=true");
  }

  @Test
  void launcherUsesTheJavaNamedAtRunTime() throws Exception {
    Path prefix = temp.resolve("prefix");
    installInto(prefix, jar, java17);
    Path other = fakeJava("other-java", "21");

    Run launched =
        run(
            Map.of("TELEPORT_EVENT_HANDLER_JAVA", other.toString()),
            prefix.resolve(BIN).toString(),
            "version");

    assertThat(launched.stdout().lines()).first().isEqualTo("other-java");
  }

  @Test
  void runningItAgainChangesNothing() throws Exception {
    Path prefix = temp.resolve("prefix");
    installInto(prefix, jar, java17);
    String launcher = Files.readString(prefix.resolve(BIN));

    Run again = installInto(prefix, jar, java17);

    assertThat(again.exitCode()).isZero();
    assertThat(again.stdout())
        .contains("unchanged " + prefix.resolve(LIB))
        .contains("unchanged " + prefix.resolve(BIN));
    assertThat(Files.readString(prefix.resolve(BIN))).isEqualTo(launcher);
  }

  @Test
  void refusesJavaOlderThan17() throws Exception {
    Path prefix = temp.resolve("prefix");

    Run install = installInto(prefix, jar, fakeJava("java11", "11"));

    assertThat(install.exitCode()).isNotZero();
    assertThat(install.stderr()).contains("is Java 11").contains("needs Java 17 or newer");
    assertThat(prefix).doesNotExist();
  }

  @Test
  void refusesAMissingJavaAndAMissingJar() throws Exception {
    Path prefix = temp.resolve("prefix");

    Run noJava = installInto(prefix, jar, temp.resolve("nothing"));
    Run noJar = installInto(prefix, temp.resolve("none.jar"), java17);

    assertThat(noJava.exitCode()).isNotZero();
    assertThat(noJava.stderr())
        .contains("is not an executable Java command")
        .contains("install Java 17");
    assertThat(noJar.exitCode()).isNotZero();
    assertThat(noJar.stderr()).contains("none.jar' does not exist");
    assertThat(prefix).doesNotExist();
  }

  @Test
  void stagesUnderDestdirWithTheUnitPointingAtThePrefix() throws Exception {
    Path stage = temp.resolve("stage");

    Run install =
        install(
            Map.of("DESTDIR", stage.toString(), "PREFIX", "/usr"),
            "--jar",
            jar.toString(),
            "--java",
            java17.toString(),
            "--systemd");

    assertThat(install.exitCode()).as(install.stderr()).isZero();
    assertThat(stage.resolve("usr").resolve(LIB)).hasSameBinaryContentAs(jar);
    assertThat(Files.readString(stage.resolve("usr").resolve(BIN)))
        .contains("'/usr/" + LIB + "'")
        .doesNotContain(stage.toString());
    String unit =
        Files.readString(stage.resolve("etc/systemd/system/teleport-event-handler.service"));
    assertThat(unit)
        .contains(
            "ExecStart=/usr/bin/teleport-event-handler start --config=/etc/teleport-event-handler.toml --teleport-refresh-enabled=true")
        .doesNotContain("/usr/local/bin");
    assertThat(install.stdout()).contains("not creating the system user");
  }

  /**
   * A stand-in for java: reports {@code version} to -XshowSettings, else prints its own name and
   * then its arguments, one per line.
   */
  private Path fakeJava(String name, String version) throws IOException {
    Path script = temp.resolve(name);
    Files.writeString(
        script,
        """
        #!/bin/sh
        for arg in "$@"; do
          if [ "$arg" = -XshowSettings:properties ]; then
            echo "    java.specification.version = %s" >&2
            exit 0
          fi
        done
        echo %s
        for arg in "$@"; do echo "$arg"; done
        """
            .formatted(version, name));
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  private static String mode(Path file) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
  }

  /** The usual install: into {@code prefix}, no environment, no systemd unit. */
  private Run installInto(Path prefix, Path jarFile, Path java) throws Exception {
    return install(
        Map.of(),
        "--prefix",
        prefix.toString(),
        "--jar",
        jarFile.toString(),
        "--java",
        java.toString());
  }

  private Run install(Map<String, String> env, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(List.of("bash", ProjectFiles.path("install").toString()));
    command.addAll(List.of(args));
    return run(env, command.toArray(String[]::new));
  }

  private Run run(Map<String, String> env, String... command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).directory(temp.toFile());
    builder.environment().remove("JAVA_OPTS");
    builder.environment().remove("TELEPORT_EVENT_HANDLER_JAVA");
    builder.environment().remove("TELEPORT_EVENT_HANDLER_JAR");
    builder.environment().remove("DESTDIR");
    builder.environment().remove("PREFIX");
    builder.environment().putAll(env);
    Path out = Files.createTempFile(temp, "out", ".txt");
    Path err = Files.createTempFile(temp, "err", ".txt");
    Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("timed out: " + command[0]);
    }
    return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
  }
}
