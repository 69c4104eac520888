package eventhandler.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import eventhandler.files.PrivateFiles;
import eventhandler.sim.fluentd.FluentdPki;
import eventhandler.sim.fluentd.FluentdReceiver;
import eventhandler.tls.CertificateIssuer.Issued;
import eventhandler.tls.CertificateIssuer.Subject;
import eventhandler.tls.NativeTlsTest;
import eventhandler.tls.Pem;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSslEngine;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class FluentdSinkTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private FluentdPki pki;
  private FluentdReceiver receiver;
  private FluentdSink sink;
  private SimpleMeterRegistry registry;
  private DeadLetterFile deadLetters;
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger sinkLogger = (Logger) LoggerFactory.getLogger(FluentdSink.class);

  @BeforeEach
  void setUp() throws IOException {
    pki = new FluentdPki(dir.resolve("pki"));
    registry = new SimpleMeterRegistry();
    deadLetters = new DeadLetterFile(dir.resolve("storage/dead-letter.jsonl"), Clock.systemUTC());
    logs.start();
    sinkLogger.addAppender(logs);
  }

  @AfterEach
  void tearDown() throws IOException {
    sinkLogger.detachAppender(logs);
    if (sink != null) {
      sink.close();
    }
    if (receiver != null) {
      receiver.close();
    }
    deadLetters.close();
  }

  private FluentdSinkConfig config() {
    return FluentdSinkConfig.withDefaults(pki.caFile, pki.clientCertFile, pki.clientKeyFile)
        .withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(10), Duration.ofMillis(100));
  }

  private FluentdSink sink(FluentdSinkConfig config) {
    sink = new FluentdSink(config, deadLetters, registry, Clock.systemUTC());
    return sink;
  }

  private static byte[] event(String tag, int n) {
    return ("{\"event\":\"test.event\",\"uid\":\""
            + tag
            + "-"
            + n
            + "\",\"n\":"
            + n
            + ",\"time\":\"2024-05-01T10:00:00.123Z\"}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static List<byte[]> events(String tag, int count) {
    return IntStream.range(0, count).mapToObj(n -> event(tag, n)).toList();
  }

  private static List<Integer> numbers(List<JsonNode> records) {
    return records.stream().map(record -> record.get("n").asInt()).toList();
  }

  private static DeliveryReport done(CompletableFuture<DeliveryReport> future) throws Exception {
    return future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private double retries() {
    return registry.find("eventhandler.fluentd.retries").counters().stream()
        .mapToDouble(counter -> counter.count())
        .sum();
  }

  private List<ILoggingEvent> warnings() {
    return logs.list.stream()
        .filter(event -> event.getLevel().isGreaterOrEqual(Level.WARN))
        .toList();
  }

  @Test
  void aConnectionOpenedAheadCarriesTheFirstRequest() throws Exception {
    receiver = pki.receiver().start();
    sink(config());

    sink.connectAhead(receiver.url("ahead"));
    await().atMost(WAIT).until(() -> receiver.handshakes() == 1);
    sink.connectAhead(receiver.url("ahead")); // one is open already: nothing more

    assertThat(done(sink.send(receiver.url("ahead"), events("ahead", 3))).delivered()).isEqualTo(3);
    assertThat(receiver.connectionsAccepted()).isEqualTo(1);
    assertThat(registry.counter("eventhandler.fluentd.connections.opened").count()).isEqualTo(1);
  }

  @Test
  void aConnectionOpenedAheadThatFailsLeavesTheFirstSendToRetry() throws Exception {
    receiver = pki.receiver().start();
    URI url = receiver.url("late");
    receiver.stopListening();
    sink(config());

    sink.connectAhead(url);
    await()
        .atMost(WAIT)
        .until(() -> registry.counter("eventhandler.fluentd.connections.opened").count() == 1);
    receiver.resumeListening();

    assertThat(done(sink.send(url, events("late", 2))).delivered()).isEqualTo(2);
    assertThat(receiver.received("late")).isEqualTo(2);
  }

  @Test
  void deliversEveryRecordOnceInOrderAtItsTag() throws Exception {
    receiver = pki.receiver().start();
    sink(config().withMaxConnections(3));
    List<CompletableFuture<DeliveryReport>> sends = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      String tag = "tag" + i;
      sends.add(sink.send(receiver.url(tag), events(tag, 1000)));
    }
    for (CompletableFuture<DeliveryReport> send : sends) {
      // One send, one request: the lane owns the batch limits, the sink does not cut again.
      assertThat(done(send)).isEqualTo(new DeliveryReport(1000, 0, 1, 0));
    }
    List<Integer> expected = IntStream.range(0, 1000).boxed().toList();
    for (int i = 0; i < 6; i++) {
      assertThat(numbers(receiver.records("tag" + i))).isEqualTo(expected);
    }
    assertThat(receiver.totalRecords()).isEqualTo(6000);
    assertThat(receiver.requests()).isEqualTo(6);
    assertThat(registry.get("eventhandler.fluentd.events.delivered").counter().count())
        .isEqualTo(6000);
    assertThat(
            registry
                .get("eventhandler.fluentd.requests")
                .tag("outcome", "accepted")
                .counter()
                .count())
        .isEqualTo(6);
    assertThat(registry.get("eventhandler.fluentd.request.latency").timer().count()).isEqualTo(6);
    assertThat(registry.get("eventhandler.fluentd.sent").counter().count()).isPositive();
    assertThat(receiver.connectionsAccepted()).isLessThanOrEqualTo(3);
    assertThat(sink.health().healthy()).isTrue();
    assertThat(sink.health().lastSuccess()).isNotNull();
    assertThat(sink.health().pendingSends()).isZero();
    assertThat(warnings()).isEmpty();
  }

  @Test
  void sendsRecordsAsIsWithTheirJsonIntact() throws Exception {
    receiver = pki.receiver().start();
    sink(config());
    String original =
        "{\"event\":\"user.login\",\"uid\":\"u1\",\"nested\":{\"list\":[1,\"two\",null]},"
            + "\"unicode\":\"h\\u00e9 \u2713\",\"time\":\"2024-05-01T10:00:00Z\"}";
    done(sink.send(receiver.url("test.log"), List.of(original.getBytes(StandardCharsets.UTF_8))));
    assertThat(receiver.records("test.log")).containsExactly(JSON.readTree(original));
  }

  @Test
  void batchSizeOneSendsBareObjects() throws Exception {
    receiver = pki.receiver().start();
    sink(config().withBareObjects(true));
    for (byte[] event : events("single", 20)) {
      assertThat(done(sink.send(receiver.url("single"), List.of(event))))
          .isEqualTo(new DeliveryReport(1, 0, 1, 0));
    }
    assertThat(receiver.requests()).isEqualTo(20);
    assertThat(receiver.arrayRequests()).isZero();
    assertThat(numbers(receiver.records("single")))
        .isEqualTo(IntStream.range(0, 20).boxed().toList());
  }

  @Test
  void retriesThroughServerErrorsAndLosesNothing() throws Exception {
    receiver = pki.receiver().start();
    receiver.failNextRequests(3, 500);
    sink(config());
    DeliveryReport report = done(sink.send(receiver.url("flaky"), events("flaky", 30)));
    assertThat(report).isEqualTo(new DeliveryReport(30, 0, 4, 3));
    assertThat(numbers(receiver.records("flaky")))
        .isEqualTo(IntStream.range(0, 30).boxed().toList());
    assertThat(
            registry
                .get("eventhandler.fluentd.retries")
                .tag("cause", "status_500")
                .counter()
                .count())
        .isEqualTo(3);
    assertThat(warnings())
        .isNotEmpty()
        .allMatch(event -> event.getFormattedMessage().contains("HTTP 500"));
  }

  @Test
  void retriesThrough429And503() throws Exception {
    receiver = pki.receiver().start();
    sink(config());
    receiver.failNextRequests(2, 429);
    assertThat(done(sink.send(receiver.url("t"), events("t", 5))).retries()).isEqualTo(2);
    receiver.failNextRequests(2, 503);
    assertThat(done(sink.send(receiver.url("t"), events("t", 5))).retries()).isEqualTo(2);
    assertThat(receiver.received("t")).isEqualTo(10);
  }

  @Test
  void retriesUntilAStoppedReceiverComesBack() throws Exception {
    receiver = pki.receiver().start();
    sink(config());
    done(sink.send(receiver.url("outage"), events("outage", 10)));
    receiver.stopListening();
    receiver.dropConnections();

    CompletableFuture<DeliveryReport> during =
        sink.send(receiver.url("outage"), events("outage", 50));
    await().atMost(WAIT).until(() -> sink.health().consecutiveFailures() >= 3);
    assertThat(during).isNotDone();
    assertThat(sink.health().failingSince()).isNotNull();
    assertThat(sink.health().healthy()).isFalse();
    assertThat(sink.health().lastError()).isNotBlank();

    receiver.resumeListening();
    DeliveryReport report = done(during);
    assertThat(report.delivered()).isEqualTo(50);
    assertThat(report.retries()).isGreaterThanOrEqualTo(3);
    assertThat(receiver.received("outage")).isEqualTo(60);
    assertThat(sink.health().healthy()).isTrue();
    assertThat(sink.health().failingSince()).isNull();
    assertThat(retries()).isGreaterThanOrEqualTo(3); // "connect" unless the port was taken
  }

  @Test
  void reconnectsQuietlyAfterTheServerClosesAnIdleConnection() throws Exception {
    receiver = pki.receiver().keepAliveTimeout(Duration.ofSeconds(1)).start();
    sink(config().withMaxConnections(1));
    done(sink.send(receiver.url("idle"), events("idle", 5)));
    await().atMost(WAIT).until(() -> receiver.idleCloses() == 1);

    DeliveryReport report = done(sink.send(receiver.url("idle"), events("idle", 5)));
    assertThat(report).isEqualTo(new DeliveryReport(5, 0, 1, 0));
    assertThat(receiver.connectionsAccepted()).isEqualTo(2);
    assertThat(retries()).isZero();
    assertThat(warnings()).isEmpty();
    assertThat(sink.health().consecutiveFailures()).isZero();
  }

  @Test
  void repeatsARequestLostOnAReusedConnectionWithoutCountingAFailure() throws Exception {
    receiver = pki.receiver().start();
    sink(config().withMaxConnections(1));
    done(sink.send(receiver.url("lost"), events("lost", 5)));
    receiver.dropNextRequests(1); // the server closes the kept-alive connection on the next request

    DeliveryReport report = done(sink.send(receiver.url("lost"), events("lost", 5)));
    assertThat(report).isEqualTo(new DeliveryReport(5, 0, 1, 0));
    assertThat(registry.get("eventhandler.fluentd.stale.reconnects").counter().count())
        .isEqualTo(1);
    assertThat(retries()).isZero();
    assertThat(warnings()).isEmpty();
    assertThat(receiver.received("lost")).isEqualTo(10);
  }

  @Test
  void aConnectionClosedWithoutAnswerOnAFreshConnectionIsAFailureAndRetried() throws Exception {
    receiver = pki.receiver().start();
    sink(config().withMaxConnections(1));
    receiver.dropNextRequests(2);
    DeliveryReport report = done(sink.send(receiver.url("lost"), events("lost", 5)));
    assertThat(report.delivered()).isEqualTo(5);
    assertThat(report.retries()).isEqualTo(2);
    assertThat(
            registry.get("eventhandler.fluentd.retries").tag("cause", "closed").counter().count())
        .isEqualTo(2);
  }

  @Test
  void neverResumesATlsSession() throws Exception {
    receiver = pki.receiver().start(); // fails resumed handshakes, like Fluentd
    sink(config().withMaxConnections(2));
    for (int i = 0; i < 15; i++) {
      done(sink.send(receiver.url("tls"), events("tls", 3)));
      receiver.dropConnections();
    }
    assertThat(receiver.received("tls")).isEqualTo(45);
    assertThat(receiver.handshakes()).isGreaterThanOrEqualTo(15);
    assertThat(receiver.resumptionsRefused()).isZero();
    assertThat(retries()).isZero();
  }

  @Test
  void neverResumesATls13SessionEither() throws Exception {
    receiver = pki.receiver().tlsProtocols("TLSv1.3", "TLSv1.2").start();
    sink(config().withMaxConnections(1));
    for (int i = 0; i < 8; i++) {
      done(sink.send(receiver.url("tls13"), events("tls13", 2)));
      receiver.dropConnections();
    }
    assertThat(receiver.received("tls13")).isEqualTo(16);
    assertThat(receiver.resumptionsRefused()).isZero();
  }

  @Test
  void connectionsRunOnBoringSslAndCheckTheHostName() {
    assumeTrue(NativeTlsTest.BORINGSSL_SHIPPED, "BoringSSL is shipped for Linux x86-64 only");
    SslHandler handler =
        ClientTls.load(pki.caFile, pki.clientCertFile, pki.clientKeyFile)
            .newHandler(
                ByteBufAllocator.DEFAULT, "fluentd.example.com", 8888, Duration.ofSeconds(5));
    SSLEngine engine = handler.engine();
    assertThat(engine).isInstanceOfAny(ReferenceCountedOpenSslEngine.class, OpenSslEngine.class);
    assertThat(engine.getSSLParameters().getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
    assertThat(engine.getSSLParameters().getServerNames())
        .containsExactly(new SNIHostName("fluentd.example.com"));
    ReferenceCountUtil.release(engine);
  }

  @Test
  void usesTheHostNameOfTheUrl() throws Exception {
    receiver = pki.receiver().start();
    sink(config());
    done(sink.send(receiver.url("localhost", "named"), events("named", 2)));
    assertThat(receiver.received("named")).isEqualTo(2);
  }

  @Test
  void deadLettersExactlyThePoisonRecordsAndDeliversTheRest() throws Exception {
    receiver = pki.receiver().start();
    receiver.poison(record -> record.get("n").asInt() % 37 == 5);
    sink(config());
    DeliveryReport report = done(sink.send(receiver.url("poison"), events("poison", 200)));

    List<Integer> poison = List.of(5, 42, 79, 116, 153, 190);
    assertThat(report.delivered()).isEqualTo(194);
    assertThat(report.deadLettered()).isEqualTo(6);
    assertThat(numbers(receiver.records("poison")))
        .isEqualTo(IntStream.range(0, 200).filter(n -> !poison.contains(n)).boxed().toList());

    Path file = deadLetters.path();
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PrivateFiles.FILE_MODE);
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(6);
    List<Integer> deadNumbers = new ArrayList<>();
    for (String line : lines) {
      JsonNode entry = JSON.readTree(line);
      assertThat(entry.get("reason").asText()).isEqualTo("fluentd refused the event");
      assertThat(entry.get("status").asInt()).isEqualTo(400);
      assertThat(entry.get("response").asText()).startsWith("400 Bad Request\ninvalid time format");
      assertThat(entry.get("url").asText()).isEqualTo(receiver.url("poison").toString());
      assertThat(Instant.parse(entry.get("time").asText())).isNotNull();
      int n = entry.get("event").get("n").asInt();
      assertThat(entry.get("event")).isEqualTo(JSON.readTree(event("poison", n)));
      deadNumbers.add(n);
    }
    assertThat(deadNumbers).containsExactlyElementsOf(poison);
    assertThat(registry.get("eventhandler.fluentd.dead.letters").counter().count()).isEqualTo(6);
    assertThat(warnings())
        .filteredOn(event -> event.getFormattedMessage().contains("dead-letter"))
        .hasSize(6)
        .allMatch(event -> event.getFormattedMessage().contains("uid=poison-"))
        .allMatch(event -> event.getFormattedMessage().contains("invalid time format"));
  }

  @Test
  void deadLettersAPoisonRecordSentAloneOnceFluentdAcceptedAnotherSince() throws Exception {
    receiver = pki.receiver().start();
    receiver.poison(record -> record.get("n").asInt() == 1);
    sink(config().withBareObjects(true));
    List<byte[]> events = events("one", 3);
    assertThat(done(sink.send(receiver.url("one"), List.of(events.get(0)))))
        .isEqualTo(new DeliveryReport(1, 0, 1, 0));
    CompletableFuture<DeliveryReport> poison =
        sink.send(receiver.url("one"), List.of(events.get(1)));
    await().atMost(WAIT).until(() -> receiver.responses(400) >= 2);
    // Refused with nothing accepted since: it may be Fluentd, so the event is held, not lost.
    assertThat(poison).isNotDone();
    assertThat(sink.health().held()).isNotNull();
    assertThat(sink.health().held().events()).isEqualTo(1);
    assertThat(Files.exists(deadLetters.path())).isFalse();

    // The next event is accepted: now the refusal is about the held event alone.
    assertThat(done(sink.send(receiver.url("one"), List.of(events.get(2)))))
        .isEqualTo(new DeliveryReport(1, 0, 1, 0));
    DeliveryReport report = done(poison);
    assertThat(report.deadLettered()).isEqualTo(1);
    assertThat(report.delivered()).isZero();
    assertThat(Files.readAllLines(deadLetters.path())).hasSize(1);
    assertThat(sink.health().held()).isNull();
  }

  @Test
  void deadLettersRecordsFluentdCannotTakeAsRecords() throws Exception {
    receiver = pki.receiver().start();
    List<byte[]> records =
        List.of(
            event("odd", 0),
            "42".getBytes(StandardCharsets.UTF_8),
            "{not json".getBytes(StandardCharsets.UTF_8),
            event("odd", 3));
    sink(config());
    DeliveryReport report = done(sink.send(receiver.url("odd"), records));
    assertThat(report.delivered()).isEqualTo(2);
    assertThat(report.deadLettered()).isEqualTo(2);
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(deadLetters.path())) {
      lines.add(JSON.readTree(line));
    }
    assertThat(lines)
        .extracting(line -> line.get("status").asInt())
        .containsExactlyInAnyOrder(500, 400);
    assertThat(lines).extracting(line -> line.get("event")).contains(JSON.readTree("42"));
    assertThat(lines).extracting(line -> line.get("event").asText()).contains("{not json");
  }

  @Test
  void deadLettersARecordTooLargeForFluentd() throws Exception {
    receiver = pki.receiver().bodyLimit(10_000).start();
    List<byte[]> records = new ArrayList<>(events("large", 20));
    byte[] huge =
        ("{\"n\":999,\"p\":\"" + "z".repeat(20_000) + "\"}").getBytes(StandardCharsets.UTF_8);
    records.add(7, huge);
    sink(config());
    DeliveryReport report = done(sink.send(receiver.url("large"), records));
    assertThat(report.delivered()).isEqualTo(20);
    assertThat(report.deadLettered()).isEqualTo(1);
    assertThat(numbers(receiver.records("large")))
        .isEqualTo(IntStream.range(0, 20).boxed().toList());
    JsonNode line = JSON.readTree(Files.readAllLines(deadLetters.path()).get(0));
    assertThat(line.get("status").asInt()).isEqualTo(413);
    assertThat(line.get("response").asText()).isEqualTo("Too large");
    assertThat(line.get("event").get("n").asInt()).isEqualTo(999);
  }

  @Test
  void refusesAServerCertificateThatDoesNotNameTheHost() throws Exception {
    FluentdPki wrongName =
        new FluentdPki(
            dir.resolve("wrong-name"), List.of("fluentd.example.com"), List.<InetAddress>of());
    receiver = wrongName.receiver().start();
    sink =
        new FluentdSink(
            FluentdSinkConfig.withDefaults(
                    wrongName.caFile, wrongName.clientCertFile, wrongName.clientKeyFile)
                .withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(10), Duration.ofMillis(50)),
            deadLetters,
            registry,
            Clock.systemUTC());
    CompletableFuture<DeliveryReport> send = sink.send(receiver.url("t"), events("t", 1));
    await()
        .atMost(WAIT)
        .until(
            () ->
                registry.find("eventhandler.fluentd.retries").tag("cause", "tls").counter() != null
                    && registry
                            .get("eventhandler.fluentd.retries")
                            .tag("cause", "tls")
                            .counter()
                            .count()
                        >= 2);
    assertThat(sink.health().lastError()).containsIgnoringCase("subject alternative name");
    assertThat(receiver.totalRecords()).isZero();
    assertThat(warnings()).anyMatch(event -> event.getFormattedMessage().contains("--fluentd-ca"));
    sink.close();
    assertThatThrownBy(send::get)
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(SinkClosedException.class);
  }

  @Test
  void isRefusedWithAClientCertificateFromAnotherCa() throws Exception {
    receiver = pki.receiver().start();
    Issued otherCa =
        pki.issuer.selfSignedCa(
            Subject.of("Other CA"), pki.issuer.ecKeyPair(), Instant.now(), Duration.ofDays(1));
    Issued stranger = pki.clientSignedBy(otherCa);
    Path cert = Files.writeString(dir.resolve("stranger.crt"), Pem.encode(stranger.certificate()));
    Path key =
        Files.writeString(
            dir.resolve("stranger.key"), FluentdPki.pkcs8(stranger.keyPair().getPrivate()));
    sink(
        FluentdSinkConfig.withDefaults(pki.caFile, cert, key)
            .withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(10), Duration.ofMillis(50)));
    CompletableFuture<DeliveryReport> send = sink.send(receiver.url("t"), events("t", 1));
    await().atMost(WAIT).until(() -> sink.health().consecutiveFailures() >= 2);
    assertThat(receiver.totalRecords()).isZero();
    assertThat(receiver.handshakeFailures()).isGreaterThanOrEqualTo(2);
    sink.close();
    assertThatThrownBy(send::get).hasCauseInstanceOf(SinkClosedException.class);
  }

  @Test
  void closeFailsPendingSendsAndRefusesNewOnes() throws Exception {
    receiver = pki.receiver().start();
    receiver.failAllRequests(503);
    sink(config());
    CompletableFuture<DeliveryReport> pending = sink.send(receiver.url("t"), events("t", 3));
    await().atMost(WAIT).until(() -> sink.health().consecutiveFailures() >= 1);
    sink.close();
    assertThatThrownBy(pending::get).hasCauseInstanceOf(SinkClosedException.class);
    assertThat(sink.send(receiver.url("t"), events("t", 1)))
        .failsWithin(Duration.ofSeconds(1))
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(SinkClosedException.class);
    assertThat(sink.health().pendingSends()).isZero();
  }

  @Test
  void anEmptySendCompletesAtOnce() throws Exception {
    sink(config());
    assertThat(done(sink.send(URI.create("https://127.0.0.1:1/t"), List.of())))
        .isEqualTo(DeliveryReport.EMPTY);
  }

  @Test
  void explainsUnreadableTlsFiles() {
    FluentdSinkConfig missing =
        FluentdSinkConfig.withDefaults(pki.caFile, dir.resolve("nope.crt"), pki.clientKeyFile);
    assertThatThrownBy(() -> new FluentdSink(missing, deadLetters, registry, Clock.systemUTC()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--fluentd-cert")
        .hasMessageContaining("nope.crt");
  }
}
