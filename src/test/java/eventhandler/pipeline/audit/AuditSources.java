package eventhandler.pipeline.audit;

import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import eventhandler.pipeline.EventFilter;
import eventhandler.pipeline.ExportMetrics;
import eventhandler.pipeline.FailedLoginObserver;
import eventhandler.pipeline.delivery.DeliveryLane;
import eventhandler.retry.Backoff;
import eventhandler.sink.DeadLetterFile;
import eventhandler.teleport.TeleportException;
import eventhandler.teleport.proto.auditlog.EventUnstructured;
import eventhandler.testing.AcceptingSink;
import io.grpc.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the tests of the audit sources share: a handler that exports every event, a sink that takes
 * every batch at once and remembers each event's id, and lanes to it.
 */
final class AuditSources {
  private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final ExportMetrics metrics;
  final DeadLetterFile deadLetters;
  final AuditEventHandler handler;

  /** The ids of the events Fluentd got, in the order it got them. */
  final List<String> delivered = new CopyOnWriteArrayList<>();

  AuditSources(Clock clock, Path dir, Instant startTime) {
    metrics = new ExportMetrics(registry, clock);
    deadLetters = new DeadLetterFile(dir.resolve("dead-letter.jsonl"), clock);
    handler =
        new AuditEventHandler(
            EventFilter.of(List.of(), List.of(), List.of()),
            startTime,
            (sessionId, time) -> {},
            FailedLoginObserver.NONE,
            deadLetters,
            metrics);
  }

  /** A lane of batches of up to three events to the sink. */
  <P> DeliveryLane<P> lane(P initial) {
    return new DeliveryLane<>(
        new AcceptingSink(
            json -> {
              Matcher id = ID.matcher(json);
              delivered.add(id.find() ? id.group(1) : "?");
            }),
        URI.create("https://fluentd/test.log"),
        3,
        1 << 20,
        2,
        initial,
        metrics::auditDelivered,
        metrics.inFlight());
  }

  /** Failed reads from Teleport counted by the export. */
  double readErrors() {
    return registry.get("eventhandler.teleport.errors").counter().count();
  }

  /** An audit event with a JSON body that carries its id. */
  static EventUnstructured event(String id, Instant time) {
    Struct body =
        Struct.newBuilder()
            .putFields("event", Value.newBuilder().setStringValue("app.create").build())
            .putFields("id", Value.newBuilder().setStringValue(id).build())
            .build();
    return EventUnstructured.newBuilder()
        .setId(id)
        .setType("app.create")
        .setTime(Timestamp.newBuilder().setSeconds(time.getEpochSecond()))
        .setUnstructured(body)
        .build();
  }

  /** What a read cut off by a network failure throws. */
  static TeleportException unavailable() {
    return new TeleportException(
        TeleportException.Kind.CONNECTION,
        "reading failed: UNAVAILABLE: connection reset",
        true,
        Status.Code.UNAVAILABLE,
        null);
  }

  /** Retries 1 ms apart. */
  static Backoff quickRetries() {
    return new Backoff(Duration.ofMillis(1), Duration.ofMillis(1), bound -> bound - 1);
  }
}
