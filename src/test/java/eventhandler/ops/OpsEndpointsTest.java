package eventhandler.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventhandler.cli.RootCommand;
import eventhandler.demo.LocalStack;
import eventhandler.sim.SimulatedCluster;
import eventhandler.startup.Launcher;
import eventhandler.testing.E2eRun;
import eventhandler.testing.OpsEndpoints;
import eventhandler.testing.OpsEndpoints.Answer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics}, {@code /healthz} and {@code /readyz} of the real {@code start} against the
 * simulated cluster and Fluentd receiver.
 */
class OpsEndpointsTest {
  /** Short thresholds so that not-ready shows within seconds; Teleport is polled every second. */
  static final ExportReadiness.Thresholds QUICK =
      new ExportReadiness.Thresholds(
          Duration.ofSeconds(30), Duration.ofSeconds(2), Duration.ofSeconds(2));

  static final Duration WAIT = Duration.ofSeconds(60);

  /** The metric families the issue asks for, as Prometheus names them. */
  static final List<String> REQUIRED =
      List.of(
          "eventhandler_events_exported_total",
          "eventhandler_events_failed_total",
          "eventhandler_sessions_started_total",
          "eventhandler_sessions_finished_total",
          "eventhandler_sessions_missing_total",
          "eventhandler_batch_latency_seconds",
          "eventhandler_batches_in_flight",
          "eventhandler_fluentd_sent_bytes_total",
          "eventhandler_fluentd_dead_letters_total",
          "eventhandler_fluentd_request_latency_seconds",
          "eventhandler_teleport_errors_total",
          "eventhandler_export_lag_seconds",
          "eventhandler_export_last_poll_timestamp_seconds");

  @Test
  void metricsCountWhatTheReceiverGotAndMoveWithNewEvents(@TempDir Path dir) throws IOException {
    SimulatedCluster cluster =
        SimulatedCluster.builder().seed(11).events(1_500).sessionShare(0.02).build();
    String missing = cluster.sessionIds().get(0);
    cluster.faults().missingRecordings(missing);
    try (E2eRun e2e = E2eRun.start(dir, cluster, receiver -> receiver.countOnly())) {
      OpsEndpoints run = e2e.launchWithOps(QUICK);
      assertThat(run.get("/healthz")).isEqualTo(new Answer(200, "ok\n"));
      long audit = cluster.auditEventCount();
      int sessions = cluster.sessionIds().size();
      await("every event exported")
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                PrometheusText metrics = metrics(run);
                assertThat(metrics.value("eventhandler_events_exported_total{kind=\"audit\"}"))
                    .isEqualTo(audit);
                assertThat(metrics.value("eventhandler_sessions_finished_total"))
                    .isEqualTo(sessions - 1);
                assertThat(metrics.value("eventhandler_sessions_missing_total")).isEqualTo(1);
              });

      PrometheusText metrics = metrics(run);
      assertThat(metrics.families()).containsAll(REQUIRED);
      assertThat(documentedMetrics()).containsAll(exposedMetrics(metrics));
      assertThat(e2e.stack().receiver().received(LocalStack.auditTag())).isEqualTo(audit);
      assertThat(metrics.value("eventhandler_events_exported_total{kind=\"session\"}"))
          .isEqualTo(e2e.sessionEventsReceived())
          .isPositive();
      assertThat(metrics.value("eventhandler_events_failed_total{kind=\"audit\"}")).isZero();
      assertThat(metrics.value("eventhandler_sessions_started_total")).isEqualTo(sessions);
      assertThat(metrics.value("eventhandler_batch_latency_seconds_count{kind=\"audit\"}"))
          .isPositive();
      assertThat(metrics.value("eventhandler_batch_latency_seconds_count{kind=\"session\"}"))
          .isGreaterThanOrEqualTo(sessions - 1);
      assertThat(metrics.value("eventhandler_fluentd_sent_bytes_total"))
          .isGreaterThan(audit * 50.0);
      assertThat(metrics.value("eventhandler_fluentd_events_delivered_total"))
          .isEqualTo(audit + e2e.sessionEventsReceived());
      double now = Instant.now().toEpochMilli() / 1000.0;
      assertThat(metrics.value("eventhandler_export_last_poll_timestamp_seconds"))
          .isBetween(now - 30, now + 1);
      var newest = cluster.auditEvent(audit - 1).getTime();
      double historyLag = now - (newest.getSeconds() + newest.getNanos() / 1e9);
      assertThat(metrics.value("eventhandler_export_lag_seconds"))
          .isBetween(historyLag - 1, historyLag + 60);
      await("ready").atMost(WAIT).until(() -> run.get("/readyz").status() == 200);
      assertThat(run.get("/readyz").body()).isEqualTo("ready\n");

      cluster.appendLiveEvents(25);
      await("new events counted")
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(
                          metrics(run).value("eventhandler_events_exported_total{kind=\"audit\"}"))
                      .isEqualTo(audit + 25));
      assertThat(metrics(run).value("eventhandler_export_lag_seconds")).isBetween(0.0, 30.0);
    }
  }

  @Test
  void readyzTurnsNotReadyWhileFluentdRefusesOrIsGoneAndReadyAfter(@TempDir Path dir)
      throws IOException {
    // Search paging (no bulk export) and auto-lock: every metric of the README registers.
    SimulatedCluster cluster =
        SimulatedCluster.builder().seed(12).events(300).sessionShare(0).bulkExport(false).build();
    try (E2eRun e2e = E2eRun.start(dir, cluster, receiver -> receiver.countOnly())) {
      OpsEndpoints run = e2e.launchWithOps(QUICK, "--lock-enabled=true");
      var receiver = e2e.stack().receiver();
      long expected = cluster.auditEventCount();
      await("ready after the backlog")
          .atMost(WAIT)
          .until(
              () ->
                  run.get("/readyz").status() == 200
                      && receiver.received(LocalStack.auditTag()) == expected);

      receiver.failAllRequests(503);
      cluster.appendLiveEvents(10);
      Answer refused = awaitNotReady(run, "Fluentd: every request has failed for");
      assertThat(refused.body())
          .startsWith("not ready:")
          .contains("Fluentd: every request has failed for", "HTTP 503")
          .contains("stalled: events are waiting for Fluentd");
      PrometheusText during = metrics(run);
      assertThat(during.value("eventhandler_batches_in_flight")).isPositive();
      assertThat(during.sum("eventhandler_fluentd_retries_total")).isPositive();
      assertThat(run.get("/healthz").status()).isEqualTo(200);

      receiver.clearFaults();
      await("ready again once Fluentd accepts")
          .atMost(WAIT)
          .until(() -> run.get("/readyz").status() == 200);
      await().atMost(WAIT).until(() -> receiver.received(LocalStack.auditTag()) == expected + 10);

      receiver.stopListening();
      receiver.dropConnections();
      cluster.appendLiveEvents(10);
      Answer gone = awaitNotReady(run, "Fluentd: every request has failed for");
      assertThat(gone.body()).contains("Fluentd: every request has failed for");

      receiver.resumeListening();
      await("ready again once Fluentd listens")
          .atMost(WAIT)
          .until(() -> run.get("/readyz").status() == 200);
      await().atMost(WAIT).until(() -> receiver.received(LocalStack.auditTag()) == expected + 20);
      PrometheusText metrics = metrics(run);
      assertThat(metrics.value("eventhandler_events_exported_total{kind=\"audit\"}"))
          .isEqualTo(expected + 20);
      assertThat(exposedMetrics(metrics))
          .as("README.md's metrics table lists exactly the metrics /metrics serves")
          .isEqualTo(documentedMetrics());
    }
  }

  @Test
  void whileTeleportCannotBeReachedHealthzAnswersAndReadyzSaysWhy(@TempDir Path dir)
      throws IOException {
    SimulatedCluster cluster = SimulatedCluster.builder().seed(13).events(10).build();
    try (E2eRun e2e = E2eRun.start(dir, cluster, receiver -> receiver.countOnly())) {
      e2e.cluster().close();
      OpsEndpoints run = e2e.launchWithOps(QUICK, "--lock-enabled=true");
      assertThat(run.get("/healthz")).isEqualTo(new Answer(200, "ok\n"));
      Answer readiness = run.get("/readyz");
      assertThat(readiness.status()).isEqualTo(503);
      assertThat(readiness.body()).contains("Teleport: connecting to " + cluster.authAddress());
      assertThat(run.get("/metrics").status()).isEqualTo(200);

      // The export's series exist at zero before the first connection, so dashboards and
      // absent() alerts see no gap at a restart.
      PrometheusText metrics = metrics(run);
      assertThat(exposedMetrics(metrics))
          .containsAll(
              documentedMetrics().stream().filter(m -> !AFTER_CONNECTING.contains(m)).toList());
      for (String zero :
          List.of(
              "eventhandler_events_exported_total{kind=\"audit\"}",
              "eventhandler_events_exported_total{kind=\"session\"}",
              "eventhandler_events_failed_total{kind=\"audit\"}",
              "eventhandler_events_skipped_total{kind=\"session\"}",
              "eventhandler_sessions_started_total",
              "eventhandler_batch_latency_seconds_count{kind=\"audit\"}",
              "eventhandler_batches_in_flight",
              "eventhandler_export_caught_up",
              "eventhandler_stall_suspected_total",
              "eventhandler_teleport_errors_total",
              "eventhandler_teleport_credentials_reloads_total{result=\"failed\"}",
              "eventhandler_fluentd_requests_total{outcome=\"accepted\"}",
              "eventhandler_autolock_locks_upserted_total",
              "eventhandler_autolock_tracked_users")) {
        assertThat(metrics.value(zero)).as(zero).isZero();
      }
    }
  }

  /**
   * Gauges that need a connection: the streams open and the expiry of the certificate in use (the
   * client and its credentials are made on connecting), and the retry causes, each of which appears
   * with its first retry.
   */
  private static final Set<String> AFTER_CONNECTING =
      Set.of(
          // labelled with the way found, so there is none before a connection
          "eventhandler_teleport_connection_way", "eventhandler_fluentd_retries_total");

  @Test
  void aMetricsAddressInUseIsAClearErrorBeforeAnythingIsExported(@TempDir Path dir)
      throws IOException {
    SimulatedCluster cluster = SimulatedCluster.builder().seed(14).events(10).build();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        LocalStack stack = LocalStack.start(dir, cluster, receiver -> receiver.countOnly())) {
      StringWriter err = new StringWriter();
      PrintWriter errWriter = new PrintWriter(err, true);
      String address = "127.0.0.1:" + taken.getLocalPort();
      int code =
          new RootCommand(
                  Map.of(),
                  new PrintWriter(new StringWriter()),
                  errWriter,
                  settings -> new Launcher(Clock.systemUTC(), errWriter).run(settings))
              .execute(
                  stack
                      .startArguments(dir.resolve("storage"), "--metrics-addr=" + address)
                      .toArray(String[]::new));

      assertThat(code).isEqualTo(1);
      assertThat(err.toString())
          .contains("error: cannot serve /metrics on --metrics-addr " + address + ": ")
          .contains("Address already in use");
      assertThat(stack.receiver().totalRecords()).isZero();
    }
  }

  static PrometheusText metrics(OpsEndpoints ops) {
    Answer answer = ops.get("/metrics");
    if (answer.status() != 200) {
      throw new AssertionError("/metrics answered " + answer);
    }
    return PrometheusText.parse(answer.body());
  }

  /** The metric names in README.md's metrics table. */
  static Set<String> documentedMetrics() throws IOException {
    String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
    int begin = readme.indexOf("<!-- metrics-table:begin -->");
    int end = readme.indexOf("<!-- metrics-table:end -->");
    assertThat(begin).as("metrics table markers in README.md").isNotNegative().isLessThan(end);
    Set<String> names = new TreeSet<>();
    Matcher name =
        Pattern.compile("(?m)^\\| `(eventhandler_[a-z_]+)").matcher(readme.substring(begin, end));
    while (name.find()) {
      names.add(name.group(1));
    }
    return names;
  }

  /** This program's metric families, without the {@code _max} gauge each timer adds. */
  static Set<String> exposedMetrics(PrometheusText metrics) {
    Set<String> names = new TreeSet<>();
    for (String family : metrics.families()) {
      boolean timerMax =
          family.endsWith("_max")
              && metrics.families().contains(family.substring(0, family.length() - 4));
      if (family.startsWith("eventhandler_") && !timerMax) {
        names.add(family);
      }
    }
    return names;
  }

  /**
   * The first not-ready answer that names {@code problem}. The stall and the Fluentd problems have
   * the same threshold here but start a moment apart, so the first not-ready answer may name only
   * one of them.
   */
  private static Answer awaitNotReady(OpsEndpoints run, String problem) {
    AtomicReference<Answer> last = new AtomicReference<>();
    await("not ready: " + problem)
        .atMost(WAIT)
        .until(
            () -> {
              Answer answer = run.get("/readyz");
              last.set(answer);
              return answer.status() == 503 && answer.body().contains(problem);
            });
    return last.get();
  }
}
