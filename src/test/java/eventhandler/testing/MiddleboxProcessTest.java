package eventhandler.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Starting, failing and stopping real processes: the part every middlebox shares. */
class MiddleboxProcessTest {
  private static final Pattern PID = Pattern.compile("\\(pid (\\d+)\\)");

  @Test
  void aStartFailureShowsTheConfigurationAndTheMiddleboxsOwnError() {
    Path nginx = Middleboxes.requireNginx();
    Path dir = MiddleboxProcess.newDirectory("nginx-broken");
    MiddleboxProcess.Launch launch =
        new MiddleboxProcess.Launch(
            "broken nginx",
            dir,
            dir.resolve("nginx.conf"),
            port -> "events {}\nnot_a_directive " + port + ";\n",
            List.of(
                nginx.toString(),
                "-p",
                dir.toString(),
                "-e",
                dir.resolve("error.log").toString(),
                "-c",
                dir.resolve("nginx.conf").toString(),
                "-g",
                "daemon off; master_process off;"),
            List.of(dir.resolve("error.log")));

    assertThatThrownBy(() -> MiddleboxProcess.start(launch))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("broken nginx (pid ")
        .hasMessageContaining("exited with status 1 before it listened")
        .hasMessageContaining("--- error.log ---")
        .hasMessageContaining("unknown directive \"not_a_directive\"")
        .hasMessageContaining("events {}");
    assertThat(dir).doesNotExist();
  }

  @Test
  void takesAnotherPortWhenAnotherProcessGotThePickedOneFirst() throws IOException {
    Path tinyproxy = Middleboxes.requireTinyproxy();
    try (ServerSocket taken = new ServerSocket(0, 1, FreePorts.LOOPBACK)) {
      Deque<Integer> ports = new ArrayDeque<>(List.of(taken.getLocalPort(), FreePorts.pick()));
      try (MiddleboxProcess process =
          MiddleboxProcess.start(
              tinyproxyLaunch(tinyproxy),
              ports::pop,
              Duration.ofSeconds(10),
              Duration.ofSeconds(5))) {
        assertThat(process.port()).isNotEqualTo(taken.getLocalPort());
        assertThat(
                ListeningSockets.listens(
                    ProcessHandle.of(process.pid()).orElseThrow(), process.port()))
            .isTrue();
      }
    }
  }

  @Test
  void closeStopsItByItsPidAndDeletesItsDirectory() {
    Path tinyproxy = Middleboxes.requireTinyproxy();
    MiddleboxProcess process = MiddleboxProcess.start(tinyproxyLaunch(tinyproxy));
    long pid = process.pid();
    Path dir = process.directory();
    assertThat(ProcessHandle.of(pid)).isPresent();

    process.close();

    assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
    assertThat(FreePorts.isTaken(process.port())).isFalse();
    assertThat(dir).doesNotExist();
    process.close(); // a second close does nothing
  }

  @Test
  void aProcessThatNeverListensIsKilledEvenWhenItIgnoresSigterm() {
    Path dir = MiddleboxProcess.newDirectory("never-listens");
    MiddleboxProcess.Launch launch =
        new MiddleboxProcess.Launch(
            "a sleeper",
            dir,
            dir.resolve("sleeper.conf"),
            port -> "port " + port + "\n",
            // An ignored SIGTERM stays ignored across exec, so only SIGKILL ends the sleep.
            List.of("sh", "-c", "echo sleeping; trap '' TERM; exec sleep 60"),
            List.of());

    assertThatThrownBy(
            () ->
                MiddleboxProcess.start(
                    launch, FreePorts::pick, Duration.ofMillis(300), Duration.ofMillis(300)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("did not listen on 127.0.0.1:")
        .hasMessageContaining("--- console.log ---\nsleeping")
        .satisfies(
            e -> {
              Matcher pid = PID.matcher(e.getMessage());
              assertThat(pid.find()).isTrue();
              assertThat(
                      ProcessHandle.of(Long.parseLong(pid.group(1))).filter(ProcessHandle::isAlive))
                  .as("the sleeper after SIGKILL")
                  .isEmpty();
            });
    assertThat(dir).doesNotExist();
  }

  private static MiddleboxProcess.Launch tinyproxyLaunch(Path tinyproxy) {
    Path dir = MiddleboxProcess.newDirectory("tinyproxy-bare");
    Path config = dir.resolve("tinyproxy.conf");
    Path log = dir.resolve("tinyproxy.log");
    assertThat(Files.isDirectory(dir)).isTrue();
    return new MiddleboxProcess.Launch(
        "tinyproxy",
        dir,
        config,
        port -> Tinyproxy.config(port, log, Optional.empty()),
        List.of(tinyproxy.toString(), "-d", "-c", config.toString()),
        List.of(log));
  }
}
