package eventhandler.sink;

import java.io.IOException;
import java.net.URI;

/**
 * Where the events Fluentd refused for their content go: the dead-letter file for {@code start},
 * the list of those refused again for {@code dead-letters replay}.
 */
public interface RefusedEvents {
  /**
   * Fluentd refused {@code record}, sent alone to {@code url}, with {@code status} and {@code
   * response}. Called once per event, from one thread, before its send completes; a failure is
   * retried, and the event is kept until this returns.
   */
  void refused(URI url, byte[] record, int status, String response) throws IOException;

  /** Where they go, for log lines ({@code the dead-letter file <path>}). */
  String where();
}
