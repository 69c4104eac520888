package eventhandler.state;

import java.time.Instant;
import java.util.Objects;

/**
 * A session whose recording was not found yet: the index to resume from, how many times it was
 * tried, and when the session was uploaded (used to give up after a while).
 */
public record MissingRecording(long index, int attempt, Instant uploadTime) {
  public MissingRecording {
    Objects.requireNonNull(uploadTime, "uploadTime");
  }
}
