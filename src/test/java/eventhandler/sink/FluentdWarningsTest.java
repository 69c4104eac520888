package eventhandler.sink;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import eventhandler.sim.fluentd.FluentdPki;
import eventhandler.sim.fluentd.FluentdReceiver;
import eventhandler.tls.KeyStores;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** What the sink's retry warnings say about each kind of failure, and how long it waits. */
class FluentdWarningsTest {
  @TempDir Path dir;
  private FluentdPki pki;
  private FluentdSink sink;
  private DeadLetterFile deadLetters;
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger sinkLogger = (Logger) LoggerFactory.getLogger(FluentdSink.class);

  @BeforeEach
  void setUp() throws IOException {
    pki = new FluentdPki(dir.resolve("pki"));
    deadLetters = new DeadLetterFile(dir.resolve("dead-letter.jsonl"), Clock.systemUTC());
    logs.start();
    sinkLogger.addAppender(logs);
  }

  @AfterEach
  void tearDown() throws IOException {
    sinkLogger.detachAppender(logs);
    if (sink != null) {
      sink.close();
    }
    deadLetters.close();
  }

  private FluentdSink sink() {
    FluentdSinkConfig config =
        FluentdSinkConfig.withDefaults(pki.caFile, pki.clientCertFile, pki.clientKeyFile)
            .withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(10), Duration.ofMillis(50));
    sink = new FluentdSink(config, deadLetters, new SimpleMeterRegistry(), Clock.systemUTC());
    return sink;
  }

  private static List<byte[]> events(int count) {
    return java.util.stream.IntStream.range(0, count)
        .mapToObj(n -> ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8))
        .toList();
  }

  private List<String> warnings() {
    return logs.list.stream()
        .filter(event -> event.getLevel().isGreaterOrEqual(Level.WARN))
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  @Test
  void a500WarningCarriesFluentdsReason() throws Exception {
    try (FluentdReceiver receiver = pki.receiver().start()) {
      receiver.failNextRequests(1, 500);
      sink().send(receiver.url("t"), events(3)).get(20, TimeUnit.SECONDS);
    }

    assertThat(warnings())
        .singleElement()
        .asString()
        .contains("failed (HTTP 500: buffer space has too many data)")
        .doesNotContain("check the Fluentd URL");
  }

  @Test
  void a429SaysToSlowDownNotToCheckTheUrl() throws Exception {
    try (FluentdReceiver receiver = pki.receiver().start()) {
      receiver.failNextRequests(1, 429);
      sink().send(receiver.url("t"), events(3)).get(20, TimeUnit.SECONDS);
    }

    assertThat(warnings())
        .singleElement()
        .asString()
        .contains("HTTP 429")
        .contains("asks to send more slowly")
        .doesNotContain("check the Fluentd URL");
  }

  @Test
  void aConnectionClosedDuringTheHandshakeDoesNotBlameTheCertificates() throws Exception {
    // What a Fluentd that is stopping does to a connection it has just accepted.
    try (ServerSocket closing = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread closer =
          new Thread(
              () -> {
                while (!closing.isClosed()) {
                  try (Socket accepted = closing.accept()) {
                    accepted.shutdownOutput(); // a clean close (FIN), before any TLS byte
                  } catch (IOException e) {
                    return;
                  }
                }
              });
      closer.setDaemon(true);
      closer.start();
      URI url = URI.create("https://localhost:" + closing.getLocalPort() + "/t");

      var delivery = sink().send(url, events(1));
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> !warnings().isEmpty());
      sink.close();
      delivery.handle((report, error) -> null).get(20, TimeUnit.SECONDS);
    }

    assertThat(warnings().get(0))
        .doesNotContain("--fluentd-ca")
        .containsAnyOf(
            "closed: Fluentd closed the connection during the TLS handshake; is Fluentd stopping"
                + " or restarting?",
            "closed; is Fluentd stopping or restarting?");
  }

  @Test
  void retryAfterIsHonoured() throws Exception {
    List<Long> arrivals = new CopyOnWriteArrayList<>();
    AtomicInteger requests = new AtomicInteger();
    HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(mutualTls());
    server.createContext(
        "/",
        exchange -> {
          try (InputStream body = exchange.getRequestBody()) {
            body.readAllBytes();
          }
          arrivals.add(System.nanoTime());
          if (requests.getAndIncrement() == 0) {
            exchange.getResponseHeaders().set("Retry-After", "1");
            exchange.sendResponseHeaders(503, -1);
          } else {
            exchange.sendResponseHeaders(200, -1);
          }
          exchange.close();
        });
    server.start();
    try {
      URI url = URI.create("https://localhost:" + server.getAddress().getPort() + "/t");
      DeliveryReport report = sink().send(url, events(2)).get(20, TimeUnit.SECONDS);
      assertThat(report.delivered()).isEqualTo(2);
    } finally {
      server.stop(0);
    }

    assertThat(arrivals).hasSize(2);
    long waitedMillis = TimeUnit.NANOSECONDS.toMillis(arrivals.get(1) - arrivals.get(0));
    assertThat(waitedMillis).as("waited (ms), backoff alone is 10-50 ms").isGreaterThan(900);
    assertThat(warnings()).singleElement().asString().contains("retrying in 1000 ms");
  }

  private HttpsConfigurator mutualTls() throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(
        new KeyManager[] {
          KeyStores.keyManager(
              pki.server.keyPair().getPrivate(),
              List.of(pki.server.certificate(), pki.ca.certificate()))
        },
        new TrustManager[] {KeyStores.trustManager(List.of(pki.ca.certificate()))},
        null);
    return new HttpsConfigurator(context) {
      @Override
      public void configure(HttpsParameters parameters) {
        SSLParameters ssl = context.getDefaultSSLParameters();
        ssl.setNeedClientAuth(true);
        parameters.setSSLParameters(ssl);
      }
    };
  }
}
