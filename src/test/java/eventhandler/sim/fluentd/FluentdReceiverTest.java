package eventhandler.sim.fluentd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import eventhandler.testing.RawHttpsClient;
import eventhandler.tls.CertificateIssuer.Issued;
import eventhandler.tls.CertificateIssuer.Subject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FluentdReceiverTest {
  private static final String OK_TIME = "2022-09-21T18:51:04.849Z";

  @TempDir Path dir;
  private FluentdPki pki;
  private FluentdReceiver receiver;

  @BeforeEach
  void setUp() throws IOException {
    pki = new FluentdPki(dir.resolve("pki"));
  }

  @AfterEach
  void tearDown() {
    if (receiver != null) {
      receiver.close();
    }
  }

  private RawHttpsClient connect() throws Exception {
    return new RawHttpsClient(RawHttpsClient.context(pki.client, pki.ca), receiver.port());
  }

  @Test
  void acceptsAnObjectAsOneRecordTaggedByThePath() throws Exception {
    receiver = pki.receiver().start();
    try (RawHttpsClient client = connect()) {
      RawHttpsClient.Response response =
          client.post("/test.log", "{\"event\":\"user.login\",\"time\":\"" + OK_TIME + "\"}");
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.body()).isEmpty();
      assertThat(response.headers())
          .containsEntry("connection", "Keep-Alive")
          .containsEntry("content-type", "text/plain")
          .containsEntry("content-length", "0");
      assertThat(client.post("/a/b/c", "{\"n\":1}").status()).isEqualTo(200);
      assertThat(client.post("/", "{\"n\":2}").status()).isEqualTo(200);
    }
    assertThat(receiver.records("test.log")).hasSize(1);
    assertThat(receiver.records("test.log").get(0).get("event").asText()).isEqualTo("user.login");
    assertThat(receiver.received("a.b.c")).isEqualTo(1);
    assertThat(receiver.received("")).isEqualTo(1);
    assertThat(receiver.totalRecords()).isEqualTo(3);
    assertThat(receiver.requests()).isEqualTo(3);
  }

  @Test
  void acceptsAnArrayAsManyRecordsAllOrNothing() throws Exception {
    receiver = pki.receiver().start();
    try (RawHttpsClient client = connect()) {
      assertThat(client.post("/batch", "[{\"n\":1},{\"n\":2},{\"n\":3}]").status()).isEqualTo(200);
      assertThat(client.post("/batch", "[]").status()).isEqualTo(200);
      RawHttpsClient.Response mixed = client.post("/batch", "[{\"n\":4},2]");
      assertThat(mixed.status()).isEqualTo(500);
      assertThat(mixed.body())
          .isEqualTo("500 Internal Server Error\nrecord must be a Hash: Integer\n");
      RawHttpsClient.Response badTime =
          client.post("/batch", "[{\"n\":5},{\"n\":6,\"time\":\"yesterday\"}]");
      assertThat(badTime.status()).isEqualTo(400);
      assertThat(badTime.body())
          .startsWith("400 Bad Request\ninvalid time format: value = yesterday");
    }
    assertThat(receiver.records("batch"))
        .extracting(record -> record.get("n").asInt())
        .containsExactly(1, 2, 3);
    assertThat(receiver.arrayRequests()).isEqualTo(2);
  }

  @Test
  void answersMalformedJsonWith400AndKeepsTheConnection() throws Exception {
    receiver = pki.receiver().start();
    try (RawHttpsClient client = connect()) {
      RawHttpsClient.Response bad = client.post("/test.log", "{bad");
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.body()).isEqualTo("400 Bad Request\nReceived event is not json: {bad\n");
      assertThat(bad.headers()).containsEntry("connection", "Keep-Alive");
      assertThat(client.post("/test.log", "").status()).isEqualTo(400);
      RawHttpsClient.Response scalar = client.post("/test.log", "42");
      assertThat(scalar.status()).isEqualTo(500);
      RawHttpsClient.Response numericTime = client.post("/test.log", "{\"time\":1663786264}");
      assertThat(numericTime.status()).isEqualTo(400);
      assertThat(numericTime.body()).contains("value must be string: 1663786264");
      assertThat(client.post("/test.log", "{\"ok\":true}").status()).isEqualTo(200);
    }
    assertThat(receiver.received("test.log")).isEqualTo(1);
    assertThat(receiver.responses(400)).isEqualTo(3);
  }

  @Test
  void getIsAHealthCheckThatEmitsNothing() throws Exception {
    receiver = pki.receiver().start();
    try (RawHttpsClient client = connect()) {
      assertThat(client.request("GET", "/test.log", Map.of(), new byte[0]).status()).isEqualTo(200);
    }
    assertThat(receiver.totalRecords()).isZero();
  }

  @Test
  void decodesGzipBodies() throws Exception {
    receiver = pki.receiver().start();
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
      gzip.write("[{\"z\":1},{\"z\":2}]".getBytes(StandardCharsets.UTF_8));
    }
    try (RawHttpsClient client = connect()) {
      assertThat(
              client
                  .request(
                      "POST", "/z", Map.of("Content-Encoding", "gzip"), compressed.toByteArray())
                  .status())
          .isEqualTo(200);
    }
    assertThat(receiver.received("z")).isEqualTo(2);
  }

  @Test
  void refusesBodiesOverTheLimitWith413AndCloses() throws Exception {
    receiver = pki.receiver().bodyLimit(1000).start();
    try (RawHttpsClient client = connect()) {
      assertThat(client.post("/t", "{\"a\":\"" + "x".repeat(900) + "\"}").status()).isEqualTo(200);
      RawHttpsClient.Response tooLarge = client.post("/t", "{\"a\":\"" + "x".repeat(2000) + "\"}");
      assertThat(tooLarge.status()).isEqualTo(413);
      assertThat(tooLarge.body()).isEqualTo("Too large");
      assertThat(client.closedByServer()).isTrue();
    }
    assertThat(receiver.received("t")).isEqualTo(1);
  }

  @Test
  void closesIdleConnectionsAfterTheKeepAliveTimeout() throws Exception {
    receiver = pki.receiver().keepAliveTimeout(Duration.ofMillis(300)).start();
    try (RawHttpsClient client = connect()) {
      assertThat(client.post("/t", "{}").status()).isEqualTo(200);
      assertThat(client.closedByServer()).isTrue();
    }
    assertThat(receiver.idleCloses()).isEqualTo(1);
  }

  @Test
  void requiresAClientCertificateFromTheTrustedCa() throws Exception {
    receiver = pki.receiver().start();
    Issued otherCa =
        pki.issuer.selfSignedCa(
            Subject.of("Other CA"), pki.issuer.ecKeyPair(), Instant.now(), Duration.ofDays(1));
    Issued stranger = pki.clientSignedBy(otherCa);
    SSLContext strangerContext = RawHttpsClient.context(stranger, pki.ca);
    assertThatThrownBy(() -> new RawHttpsClient(strangerContext, receiver.port()).post("/t", "{}"))
        .isInstanceOf(IOException.class);
    assertThat(receiver.totalRecords()).isZero();
    await().until(() -> receiver.handshakeFailures() == 1);
  }

  @Test
  void speaksOnlyTls12ByDefault() throws Exception {
    receiver = pki.receiver().start();
    SSLContext tls13 = RawHttpsClient.context(pki.client, pki.ca, "TLSv1.3");
    assertThatThrownBy(
            () -> {
              try (Socket socket =
                  tls13.getSocketFactory().createSocket("127.0.0.1", receiver.port())) {
                javax.net.ssl.SSLSocket ssl = (javax.net.ssl.SSLSocket) socket;
                ssl.setEnabledProtocols(new String[] {"TLSv1.3"});
                ssl.startHandshake();
              }
            })
        .isInstanceOf(SSLException.class);
  }

  @Test
  void failsHandshakesThatResumeASessionLikeFluentd() throws Exception {
    receiver = pki.receiver().start();
    SSLContext shared = RawHttpsClient.context(pki.client, pki.ca);
    try (RawHttpsClient first = new RawHttpsClient(shared, receiver.port())) {
      assertThat(first.post("/t", "{}").status()).isEqualTo(200);
    }
    // The same context caches the session and offers it again: Fluentd answers alert 80.
    assertThatThrownBy(() -> new RawHttpsClient(shared, receiver.port()).post("/t", "{}"))
        .isInstanceOf(SSLException.class)
        .hasMessageContaining("internal_error");
    assertThat(receiver.resumptionsRefused()).isEqualTo(1);
    // A fresh context does a full handshake and is served.
    try (RawHttpsClient fresh = connect()) {
      assertThat(fresh.post("/t", "{}").status()).isEqualTo(200);
    }
    assertThat(receiver.resumptionsRefused()).isEqualTo(1);
  }

  @Test
  void resumptionCanBeAllowed() throws Exception {
    receiver = pki.receiver().trapResumption(false).start();
    SSLContext shared = RawHttpsClient.context(pki.client, pki.ca);
    for (int i = 0; i < 2; i++) {
      try (RawHttpsClient client = new RawHttpsClient(shared, receiver.port())) {
        assertThat(client.post("/t", "{}").status()).isEqualTo(200);
      }
    }
    assertThat(receiver.resumptionsRefused()).isZero();
  }

  @Test
  void injectsFailuresPoisonAndDrops() throws Exception {
    receiver = pki.receiver().start();
    receiver.failNextRequests(2, 503);
    try (RawHttpsClient client = connect()) {
      assertThat(client.post("/t", "{\"n\":1}").status()).isEqualTo(503);
      assertThat(client.post("/t", "{\"n\":1}").status()).isEqualTo(503);
      assertThat(client.post("/t", "{\"n\":1}").status()).isEqualTo(200);
      receiver.failAllRequests(500);
      RawHttpsClient.Response full = client.post("/t", "{\"n\":2}");
      assertThat(full.status()).isEqualTo(500);
      assertThat(full.body()).startsWith("500 Internal Server Error\n");
      receiver.clearFaults();
      receiver.poison(record -> record.has("poison"));
      RawHttpsClient.Response poisoned = client.post("/t", "[{\"n\":3},{\"poison\":1}]");
      assertThat(poisoned.status()).isEqualTo(400);
      assertThat(poisoned.body()).contains("invalid time format");
      receiver.dropNextRequests(1);
      client.request("POST", "/t", Map.of(), "{\"n\":4}".getBytes(StandardCharsets.UTF_8));
    } catch (IOException expected) {
      // the dropped request: the connection closes without an answer
    }
    assertThat(receiver.records("t")).extracting(r -> r.get("n").asInt()).containsExactly(1);
  }

  @Test
  void delaysAnswersOnDemand() throws Exception {
    receiver = pki.receiver().start();
    receiver.latency(Duration.ofMillis(300));
    try (RawHttpsClient client = connect()) {
      long start = System.nanoTime();
      assertThat(client.post("/t", "{}").status()).isEqualTo(200);
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }
  }

  @Test
  void stopsAndResumesListeningOnTheSamePort() throws Exception {
    receiver = pki.receiver().start();
    int port = receiver.port();
    receiver.stopListening();
    // Usually "connection refused"; on a busy machine another process may take the freed port,
    // which must not look like this receiver either.
    assertThatThrownBy(() -> connect().post("/t", "{}")).isInstanceOf(IOException.class);
    assertThat(receiver.connectionsAccepted()).isZero();
    receiver.resumeListening();
    try (RawHttpsClient client = connect()) {
      assertThat(client.post("/t", "{}").status()).isEqualTo(200);
    }
    assertThat(receiver.port()).isEqualTo(port);
  }

  @Test
  void writesOneJsonLinesFilePerTag() throws Exception {
    Path out = dir.resolve("out");
    receiver = pki.receiver().storeInFiles(out).start();
    try (RawHttpsClient client = connect()) {
      assertThat(client.post("/test.log", "[{\"n\":1},\n {\"n\":2}]").status()).isEqualTo(200);
      assertThat(client.post("/session/abc", "{\"n\":3}").status()).isEqualTo(200);
    }
    receiver.close();
    assertThat(Files.readAllLines(out.resolve("test.log.jsonl")))
        .containsExactly("{\"n\":1}", "{\"n\":2}");
    assertThat(Files.readAllLines(out.resolve("session.abc.jsonl"))).containsExactly("{\"n\":3}");
    receiver = null;
  }

  @Test
  void countsWithoutKeepingInCountOnlyMode() throws Exception {
    receiver = pki.receiver().countOnly().start();
    try (RawHttpsClient client = connect()) {
      assertThat(client.post("/t", "[{\"n\":1},{\"n\":2}]").status()).isEqualTo(200);
    }
    assertThat(receiver.received("t")).isEqualTo(2);
    assertThat(receiver.receivedBytes("t")).isEqualTo(14);
    assertThatThrownBy(() -> receiver.records("t")).isInstanceOf(IllegalStateException.class);
    assertThat(receiver.awaitRecords(2, Duration.ofSeconds(1))).isTrue();
    assertThat(receiver.recordsByTag()).isEqualTo(Map.of("t", 2L));
    assertThat(List.copyOf(receiver.responsesByStatus().keySet())).containsExactly(200);
  }
}
