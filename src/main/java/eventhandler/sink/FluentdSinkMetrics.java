package eventhandler.sink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The sink's meters, all named {@code eventhandler.fluentd.*}. */
final class FluentdSinkMetrics {
  private final MeterRegistry registry;

  final Counter requestsAccepted;
  final Counter requestsRefused;
  final Counter requestsFailedStatus;
  final Counter requestsFailedConnection;
  final Counter eventsDelivered;
  final Counter bytesSent;
  final Counter deadLetters;
  final Counter connectionsOpened;
  final Counter staleReconnects;
  final Timer latency;
  final AtomicInteger inFlight = new AtomicInteger();
  final AtomicInteger openConnections = new AtomicInteger();
  private final Map<String, Counter> retries = new ConcurrentHashMap<>();

  FluentdSinkMetrics(MeterRegistry registry) {
    this.registry = registry;
    requestsAccepted = requests(registry, "accepted");
    requestsRefused = requests(registry, "refused");
    requestsFailedStatus = requests(registry, "failed_status");
    requestsFailedConnection = requests(registry, "failed_connection");
    eventsDelivered =
        Counter.builder("eventhandler.fluentd.events.delivered")
            .description("Events Fluentd accepted")
            .register(registry);
    bytesSent =
        Counter.builder("eventhandler.fluentd.sent")
            .description("Request body bytes written to Fluentd, retries included")
            .baseUnit("bytes")
            .register(registry);
    deadLetters =
        Counter.builder("eventhandler.fluentd.dead.letters")
            .description("Events Fluentd refused, written to the dead-letter file")
            .register(registry);
    connectionsOpened =
        Counter.builder("eventhandler.fluentd.connections.opened")
            .description("TCP/TLS connections opened to Fluentd")
            .register(registry);
    staleReconnects =
        Counter.builder("eventhandler.fluentd.stale.reconnects")
            .description(
                "Requests repeated at once because Fluentd had closed the idle keep-alive"
                    + " connection")
            .register(registry);
    latency =
        Timer.builder("eventhandler.fluentd.request.latency")
            .description("Time from writing a request to its complete response")
            .publishPercentileHistogram()
            .register(registry);
    Gauge.builder("eventhandler.fluentd.requests.in.flight", inFlight, AtomicInteger::get)
        .description("Requests written and waiting for Fluentd's response")
        .register(registry);
    Gauge.builder("eventhandler.fluentd.connections.open", openConnections, AtomicInteger::get)
        .description("Connections to Fluentd open or being opened")
        .register(registry);
  }

  /** Retries by cause: {@code status_500}, {@code connect}, {@code tls}, {@code timeout}, ... */
  Counter retries(String cause) {
    return retries.computeIfAbsent(
        cause,
        key ->
            Counter.builder("eventhandler.fluentd.retries")
                .description("Requests repeated after a failure, by cause")
                .tag("cause", key)
                .register(registry));
  }

  private static Counter requests(MeterRegistry registry, String outcome) {
    return Counter.builder("eventhandler.fluentd.requests")
        .description("HTTP requests to Fluentd by outcome")
        .tag("outcome", outcome)
        .register(registry);
  }
}
