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
        counter(registry, "eventhandler.fluentd.events.delivered", "Events Fluentd accepted");
    bytesSent =
        Counter.builder("eventhandler.fluentd.sent")
            .description("Request body bytes written to Fluentd, retries included")
            .baseUnit("bytes")
            .register(registry);
    deadLetters =
        counter(
            registry,
            "eventhandler.fluentd.dead.letters",
            "Events Fluentd refused, written to the dead-letter file");
    connectionsOpened =
        counter(
            registry,
            "eventhandler.fluentd.connections.opened",
            "TCP/TLS connections opened to Fluentd");
    staleReconnects =
        counter(
            registry,
            "eventhandler.fluentd.stale.reconnects",
            "Requests repeated at once because Fluentd had closed the idle keep-alive"
                + " connection");
    latency =
        Timer.builder("eventhandler.fluentd.request.latency")
            .description("Time from writing a request to its complete response")
            .publishPercentileHistogram()
            .register(registry);
    gauge(
        registry,
        "eventhandler.fluentd.requests.in.flight",
        inFlight,
        "Requests written and waiting for Fluentd's response");
    gauge(
        registry,
        "eventhandler.fluentd.connections.open",
        openConnections,
        "Connections to Fluentd open or being opened");
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

  private static Counter counter(MeterRegistry registry, String name, String description) {
    return Counter.builder(name).description(description).register(registry);
  }

  private static void gauge(
      MeterRegistry registry, String name, AtomicInteger value, String description) {
    Gauge.builder(name, value, AtomicInteger::get).description(description).register(registry);
  }
}
