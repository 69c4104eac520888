package eventhandler.pipeline.session;

import java.util.Map;

/**
 * The details of a session's dead-letter line: every one names the kind, the session and the index
 * it stopped at, so that a user can find which part of which recording was not exported.
 */
final class SessionDeadLetterDetails {
  private SessionDeadLetterDetails() {}

  static Map<String, Object> of(String sessionId, long index) {
    return Map.of("kind", "session", "sid", sessionId, "index", index);
  }

  /** With one more field that says which event or upload it is about. */
  static Map<String, Object> of(String sessionId, long index, String key, Object value) {
    return Map.of("kind", "session", "sid", sessionId, "index", index, key, value);
  }
}
