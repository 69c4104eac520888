package eventhandler.sink;

import eventhandler.logging.WarningThrottle;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * {@code start}'s refused events: one line each in the dead-letter file, with Fluentd's answer and
 * the URL, so that {@code dead-letters replay} can send it again; one warning per event, up to
 * {@link #BURST} a minute (the rest counted in the next).
 */
final class DeadLetterRefusals implements RefusedEvents {
  static final String REASON = "fluentd refused the event";
  static final String KIND = "refused";
  private static final int BURST = 10;

  private final DeadLetterFile file;
  private final WarningThrottle warnings;

  DeadLetterRefusals(DeadLetterFile file, Clock clock) {
    this.file = file;
    this.warnings =
        new WarningThrottle(
            LoggerFactory.getLogger(FluentdSink.class), clock, Duration.ofMinutes(1), BURST);
  }

  @Override
  public void refused(URI url, byte[] record, int status, String response) throws IOException {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("kind", KIND);
    details.put("status", status);
    details.put("response", response);
    details.put("url", url.toString());
    file.append(REASON, details, record);
    warnings.warn(
        "refused-event",
        "Fluentd refused an event with HTTP "
            + status
            + " ("
            + FluentdVerdict.gist(response)
            + "); it was written to "
            + where()
            + " ("
            + EventLabel.of(record)
            + "); 'teleport-event-handler dead-letters replay' sends it again");
  }

  @Override
  public String where() {
    return "the dead-letter file " + file.path();
  }
}
