package eventhandler.pipeline;

import java.time.Instant;

/** Takes a recording to export after its {@code session.upload} event. */
public interface SessionRegistry {
  void register(String sessionId, Instant uploadTime) throws InterruptedException;
}
