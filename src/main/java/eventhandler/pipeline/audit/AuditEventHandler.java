package eventhandler.pipeline.audit;

import com.google.protobuf.InvalidProtocolBufferException;
import eventhandler.event.EventJson;
import eventhandler.pipeline.EventFilter;
import eventhandler.pipeline.ExportMetrics;
import eventhandler.pipeline.FailedLoginObserver;
import eventhandler.pipeline.SessionRegistry;
import eventhandler.pipeline.delivery.DeliveryLane;
import eventhandler.sink.DeadLetterFile;
import eventhandler.teleport.TeleportEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;

/**
 * What happens to each audit event read from Teleport, whatever the source: filters, session
 * registration for {@code session.upload}, failed-login counting for auto-lock, conversion to the
 * JSON record Fluentd gets, and hand-over to delivery.
 */
public final class AuditEventHandler {
  static final String SESSION_UPLOAD = "session.upload";
  static final String USER_LOGIN = FailedLoginObserver.USER_LOGIN;

  private final EventFilter filter;
  private final Instant startTime;
  private final SessionRegistry sessions;
  private final FailedLoginObserver failedLogins;
  private final DeadLetterFile deadLetters;
  private final ExportMetrics metrics;

  public AuditEventHandler(
      EventFilter filter,
      Instant startTime,
      SessionRegistry sessions,
      FailedLoginObserver failedLogins,
      DeadLetterFile deadLetters,
      ExportMetrics metrics) {
    this.filter = filter;
    this.startTime = startTime;
    this.sessions = sessions;
    this.failedLogins = failedLogins;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
  }

  <P> void handle(TeleportEvent event, P position, DeliveryLane<P> lane)
      throws InterruptedException {
    String type = event.type();
    Instant time = event.time();
    metrics.auditEventRead(time);
    if (!filter.exportsAuditEvent(type) || time.isBefore(startTime)) {
      metrics.recordAuditSkipped();
      lane.skip(position);
      return;
    }
    if (!event.hasBody()) {
      deadLetter(event, "the event has no JSON body (unstructured is empty)");
      lane.skip(position);
      return;
    }
    byte[] json;
    try {
      // Only these two types need fields of the body; the others go from the encoded bytes.
      if (SESSION_UPLOAD.equals(type)) {
        String sessionId = EventJson.fieldString(event.body(), "sid").orElse("");
        if (sessionId.isBlank()) {
          deadLetter(event, "session.upload event without a session id (sid)");
        } else {
          sessions.register(sessionId, time);
        }
      } else if (USER_LOGIN.equals(type) && failedLogins != FailedLoginObserver.NONE) {
        failedLogins.onLogin(event.body(), time);
      }
      json = event.json();
    } catch (InvalidProtocolBufferException e) {
      deadLetter(
          event,
          "the event's JSON body (unstructured) is not a valid protobuf Struct: " + e.getMessage());
      lane.skip(position);
      return;
    }
    lane.add(json, position, time);
  }

  private void deadLetter(TeleportEvent event, String reason) {
    metrics.recordAuditFailed(1);
    byte[] record = null;
    if (event.hasBody()) {
      try {
        record = event.json();
      } catch (InvalidProtocolBufferException e) {
        record = null; // nothing readable to keep
      }
    }
    try {
      deadLetters.append(
          reason, Map.of("kind", "audit", "id", event.id(), "type", event.type()), record);
    } catch (IOException e) {
      // Going on would lose the record of this event: stop instead (the checkpoint holds).
      throw new UncheckedIOException("cannot write the dead-letter file", e);
    }
  }
}
