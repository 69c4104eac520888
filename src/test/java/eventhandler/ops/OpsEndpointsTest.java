package eventhandler.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eventhandler.demo.LocalStack;
import eventhandler.ops.RunningStart.Answer;
import eventhandler.sim.SimulatedCluster;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
    try (RunningStart run = RunningStart.start(dir, cluster, QUICK)) {
      assertThat(run.get("/healthz")).isEqualTo(new Answer(200, "ok\n"));
      long audit = cluster.auditEventCount();
      int sessions = cluster.sessionIds().size();
      await("every event exported")
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                PrometheusText metrics = run.metrics();
                assertThat(metrics.value("eventhandler_events_exported_total{kind=\"audit\"}"))
                    .isEqualTo(audit);
                assertThat(metrics.value("eventhandler_sessions_finished_total"))
                    .isEqualTo(sessions - 1);
                assertThat(metrics.value("eventhandler_sessions_missing_total")).isEqualTo(1);
              });

      PrometheusText metrics = run.metrics();
      assertThat(metrics.families()).containsAll(REQUIRED);
      assertThat(run.stack().receiver().received(LocalStack.auditTag())).isEqualTo(audit);
      assertThat(metrics.value("eventhandler_events_exported_total{kind=\"session\"}"))
          .isEqualTo(run.sessionEventsReceived())
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
          .isEqualTo(audit + run.sessionEventsReceived());
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
                          run.metrics().value("eventhandler_events_exported_total{kind=\"audit\"}"))
                      .isEqualTo(audit + 25));
      assertThat(run.metrics().value("eventhandler_export_lag_seconds")).isBetween(0.0, 30.0);
    }
  }

  @Test
  void readyzTurnsNotReadyWhileFluentdRefusesOrIsGoneAndReadyAfter(@TempDir Path dir)
      throws IOException {
    SimulatedCluster cluster =
        SimulatedCluster.builder().seed(12).events(300).sessionShare(0).build();
    try (RunningStart run = RunningStart.start(dir, cluster, QUICK)) {
      var receiver = run.stack().receiver();
      long expected = cluster.auditEventCount();
      await("ready after the backlog")
          .atMost(WAIT)
          .until(
              () ->
                  run.get("/readyz").status() == 200
                      && receiver.received(LocalStack.auditTag()) == expected);

      receiver.failAllRequests(503);
      cluster.appendLiveEvents(10);
      Answer refused = awaitNotReady(run);
      assertThat(refused.body())
          .startsWith("not ready:")
          .contains("Fluentd: every request has failed for", "HTTP 503")
          .contains("stalled: events are waiting for Fluentd");
      PrometheusText during = run.metrics();
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
      Answer gone = awaitNotReady(run);
      assertThat(gone.body()).contains("Fluentd: every request has failed for");

      receiver.resumeListening();
      await("ready again once Fluentd listens")
          .atMost(WAIT)
          .until(() -> run.get("/readyz").status() == 200);
      await().atMost(WAIT).until(() -> receiver.received(LocalStack.auditTag()) == expected + 20);
      assertThat(run.metrics().value("eventhandler_events_exported_total{kind=\"audit\"}"))
          .isEqualTo(expected + 20);
    }
  }

  @Test
  void whileTeleportCannotBeReachedHealthzAnswersAndReadyzSaysWhy(@TempDir Path dir)
      throws IOException {
    SimulatedCluster cluster = SimulatedCluster.builder().seed(13).events(10).build();
    try (RunningStart run =
        RunningStart.startAfter(stack -> stack.cluster().close(), dir, cluster, QUICK)) {
      assertThat(run.get("/healthz")).isEqualTo(new Answer(200, "ok\n"));
      Answer readiness = run.get("/readyz");
      assertThat(readiness.status()).isEqualTo(503);
      assertThat(readiness.body()).contains("Teleport: connecting to " + cluster.authAddress());
      assertThat(run.get("/metrics").status()).isEqualTo(200);
    }
  }

  private static Answer awaitNotReady(RunningStart run) {
    await("not ready").atMost(WAIT).until(() -> run.get("/readyz").status() == 503);
    return run.get("/readyz");
  }
}
