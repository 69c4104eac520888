package eventhandler.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import eventhandler.sink.DeadLetterFile;
import eventhandler.sink.FluentdSink;
import eventhandler.sink.FluentdSinkConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Fluentd given the {@code fluent.conf} that {@code configure} writes routes what the
 * generated TOML and Helm values make the handler send: audit events to the audit {@code <match>}
 * and a session's {@code <session-url>.<id>.log} to the session one, none left unmatched.
 *
 * <p>Runs where a Fluentd source tree is at hand ({@code FLUENTD_SRC}, and {@code SERVERENGINE_SRC}
 * for serverengine 2.3.2 or later, as the shared real-fluentd.md describes); skipped otherwise, as
 * no package registry this project reaches ships Fluentd.
 */
class RealFluentdRoutingTest {
  private static final String SESSION = "8a9a2e42-3d6c-4b1e-9f37-0a3e7c2b5d11";

  @TempDir Path dir;

  @Test
  void fluentdRoutesEveryUrlTheGeneratedFilesName() throws Exception {
    String source = System.getenv("FLUENTD_SRC");
    Assumptions.assumeTrue(
        source != null && Files.isRegularFile(Path.of(source, "bin", "fluentd")),
        "no real Fluentd: set FLUENTD_SRC to an extracted fluent/fluentd v1.16 tree (see the"
            + " shared real-fluentd.md) to run this test");
    configure();
    int port = freePort();
    Path conf = dir.resolve("fluent.conf");
    // As the file's own header says: replace /keys with this directory when not in Docker.
    Files.writeString(
        conf,
        Files.readString(conf)
            .replace("/keys", dir.toString())
            .replace("port 8888", "port " + port));
    List<URI> urls = urlsTheGeneratedFilesName(port);

    Path log = dir.resolve("fluentd.out");
    Process fluentd = startFluentd(Path.of(source), conf, log);
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> listening(port) || !fluentd.isAlive());
      assertThat(fluentd.isAlive()).as("fluentd started; its log:%n%s", read(log)).isTrue();
      try (DeadLetterFile deadLetters =
          new DeadLetterFile(dir.resolve("dead-letter.jsonl"), Clock.systemUTC())) {
        FluentdSink sink =
            new FluentdSink(
                FluentdSinkConfig.withDefaults(
                    dir.resolve("ca.crt"), dir.resolve("client.crt"), dir.resolve("client.key")),
                deadLetters,
                new SimpleMeterRegistry(),
                Clock.systemUTC());
        try {
          for (URI url : urls) {
            byte[] record =
                ("{\"event\":\"routing.check\",\"time\":\"2025-11-03T08:00:00.123Z\",\"url\":\""
                        + url
                        + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            assertThat(sink.send(url, List.of(record)).get(30, TimeUnit.SECONDS).delivered())
                .as("Fluentd accepted a record at %s", url)
                .isEqualTo(1);
          }
        } finally {
          sink.close();
        }
      }
      // The stdout output prints "<time> <tag>: <record>" once its buffer flushes (1 s).
      for (URI url : urls) {
        String tag = FluentdMatch.tagOf(url);
        await("Fluentd routed " + tag)
            .atMost(Duration.ofSeconds(30))
            .until(() -> read(log).contains(" " + tag + ": {\"event\":\"routing.check\""));
      }
      assertThat(read(log)).doesNotContain("no patterns matched");
    } finally {
      fluentd.destroy(); // SIGTERM to this child's PID: Fluentd flushes and exits
      if (!fluentd.waitFor(20, TimeUnit.SECONDS)) {
        fluentd.destroyForcibly();
      }
    }
  }

  private void configure() {
    InputStream stdin = System.in;
    System.setIn(new ByteArrayInputStream(new byte[0])); // no passphrase piped: a random one
    try {
      StringWriter err = new StringWriter();
      int code =
          new RootCommand(
                  Map.of(),
                  new PrintWriter(new StringWriter()),
                  new PrintWriter(err, true),
                  settings -> {
                    throw new AssertionError("configure does not start");
                  })
              .execute("configure", dir.toString(), "teleport.example.com:443", "--length=2048");
      assertThat(code).as(err.toString()).isZero();
    } finally {
      System.setIn(stdin);
    }
  }

  /**
   * The audit URL and a session's URL of the TOML and of the Helm values, pointed at this port on
   * localhost (the values name the in-cluster service, which server.crt does not).
   */
  private List<URI> urlsTheGeneratedFilesName(int port) throws Exception {
    JsonNode toml = new TomlMapper().readTree(dir.resolve("teleport-event-handler.toml").toFile());
    JsonNode values =
        new YAMLMapper()
            .readTree(dir.resolve("teleport-plugin-event-handler-values.yaml").toFile());
    List<URI> urls = new ArrayList<>();
    for (String[] pair :
        List.of(
            new String[] {
              toml.at("/forward/fluentd/url").asText(),
              toml.at("/forward/fluentd/session-url").asText()
            },
            new String[] {
              values.at("/fluentd/url").asText(), values.at("/fluentd/sessionUrl").asText()
            })) {
      urls.add(local(URI.create(pair[0]), port));
      urls.add(local(URI.create(pair[1] + "." + SESSION + ".log"), port));
    }
    return urls;
  }

  private static URI local(URI url, int port) {
    assertThat(url.getPort()).as("port of %s", url).isEqualTo(8888);
    return URI.create("https://localhost:" + port + url.getRawPath());
  }

  private Process startFluentd(Path source, Path conf, Path log) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(
                "ruby",
                source.resolve("bin/fluentd").toString(),
                "--no-supervisor",
                "-c",
                conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    String serverengine = System.getenv("SERVERENGINE_SRC");
    if (serverengine != null) {
      builder.environment().put("RUBYLIB", Path.of(serverengine, "lib").toString());
    }
    return builder.start();
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (Exception e) {
      return "";
    }
  }
}
