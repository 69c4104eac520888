package eventhandler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventhandler.sim.SimulatedCluster;
import eventhandler.sim.fluentd.FluentdPki;
import eventhandler.testing.BackgroundStart;
import eventhandler.testing.E2eRun;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance run with the real Fluentd 1.16: a {@code fluent.conf} whose {@code
 * time_format} matches no event refuses every request for 30 s, then Fluentd is restarted with a
 * good one on the same port. Runs only where {@code FLUENTD_SRC} names a Fluentd tree (see the
 * shared real-fluentd.md); skipped otherwise.
 */
class RealFluentdRefusalTest {
  private static final Path SCRIPT = Path.of("..", "shared", "tools", "real-fluentd.sh");

  @TempDir Path dir;

  @Test
  @Timeout(400)
  void aFluentdRefusingEveryEventFor30sThenFixedLosesNothing() throws Exception {
    String source = System.getenv("FLUENTD_SRC");
    Assumptions.assumeTrue(
        source != null
            && Files.isRegularFile(Path.of(source, "bin", "fluentd"))
            && Files.isRegularFile(SCRIPT),
        "no real Fluentd: set FLUENTD_SRC (and SERVERENGINE_SRC) as real-fluentd.md says");
    SimulatedCluster cluster =
        SimulatedCluster.builder().seed(71).events(5_000).sessionShare(0.002).build();
    try (E2eRun run = E2eRun.start(dir.resolve("run"), cluster)) {
      FluentdPki pki = new FluentdPki(dir.resolve("pki"));
      Path fluentdDir = dir.resolve("fluentd");
      Files.createDirectories(fluentdDir);
      Files.copy(pki.caFile, fluentdDir.resolve("ca.crt"));
      Files.copy(pki.serverCertFile, fluentdDir.resolve("server.crt"));
      Files.copy(pki.serverKeyFile, fluentdDir.resolve("server.key"));
      int port = freePort();
      long fluentd = startFluentd(fluentdDir, port, "%d/%m/%Y %H:%M:%S");
      int ops = freePort();
      BackgroundStart start =
          run.launch(
              "--exit-on-last-event=true",
              "--metrics-addr=127.0.0.1:" + ops,
              "--fluentd-url=https://localhost:" + port + "/test.log",
              "--fluentd-session-url=https://localhost:" + port + "/session",
              "--fluentd-ca=" + pki.caFile,
              "--fluentd-cert=" + pki.clientCertFile,
              "--fluentd-key=" + pki.clientKeyFile);
      String readyz = "";
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      HttpClient http = HttpClient.newHttpClient();
      while (System.nanoTime() < until) {
        try {
          HttpResponse<String> response =
              http.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops + "/readyz")).build(),
                  HttpResponse.BodyHandlers.ofString());
          if (response.statusCode() == 503 && response.body().contains("held")) {
            readyz = response.body();
          }
        } catch (java.io.IOException e) {
          // not listening yet
        }
        TimeUnit.SECONDS.sleep(1);
      }
      long deadDuringRefusal = lines(run.deadLetterFile());
      stop(fluentd);
      startFluentd(fluentdDir, port, "%Y-%m-%dT%H:%M:%S");
      BackgroundStart.Result result = start.await(Duration.ofSeconds(240));
      long deadLetters = lines(run.deadLetterFile());
      Path events = fluentdDir.resolve("events.log");
      DeliveryCheck expected = DeliveryCheck.of(run.cluster(), run.receiver());
      long total = expected.expectedAudit() + expected.expectedSession();
      await().atMost(Duration.ofSeconds(60)).until(() -> uids(events).size() >= total);
      System.out.printf(
          "real Fluentd refusing 30 s then fixed: exit %d, %d dead letters during the refusal,"
              + " %d in all, %d of %d events arrived; /readyz during the refusal:%n%s%n",
          result.exitCode(), deadDuringRefusal, deadLetters, uids(events).size(), total, readyz);
      assertThat(result.exitCode()).as(result.err()).isZero();
      assertThat(readyz).contains("HTTP 400").contains("invalid time format");
      assertThat(deadLetters).isLessThanOrEqualTo(50);
      assertThat(uids(events)).hasSize((int) total);
    } finally {
      Path pid = dir.resolve("fluentd").resolve("fluentd.pid");
      if (Files.exists(pid)) {
        stop(Long.parseLong(Files.readString(pid).strip()));
      }
    }
  }

  private static long startFluentd(Path fluentdDir, int port, String timeFormat) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder("bash", SCRIPT.toString(), fluentdDir.toString(), String.valueOf(port))
            .redirectError(fluentdDir.resolve("script.err").toFile());
    builder.environment().put("FLUENTD_TIME_FORMAT", timeFormat);
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes()).strip();
    assertThat(process.waitFor()).as(Files.readString(fluentdDir.resolve("script.err"))).isZero();
    return Long.parseLong(out);
  }

  private static void stop(long pid) throws Exception {
    ProcessHandle.of(pid)
        .ifPresent(
            process -> {
              process.destroy();
              process.onExit().orTimeout(20, TimeUnit.SECONDS).join();
            });
  }

  private static long lines(Path file) throws Exception {
    return Files.exists(file) ? Files.readAllLines(file).size() : 0;
  }

  /** The distinct records Fluentd wrote (a record sent twice is the same line). */
  private static Set<String> uids(Path events) throws Exception {
    return Files.exists(events) ? new HashSet<>(Files.readAllLines(events)) : new HashSet<>();
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
