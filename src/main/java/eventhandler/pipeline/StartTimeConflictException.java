package eventhandler.pipeline;

import java.time.Instant;

/** The configured start time differs from the one this storage directory was started with. */
public final class StartTimeConflictException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  StartTimeConflictException(String message) {
    super(message);
  }

  /** The conflict of {@code configured} with the {@code stored} start time of {@code directory}. */
  public static StartTimeConflictException of(
      Instant configured, Instant stored, java.nio.file.Path directory) {
    return new StartTimeConflictException(
        "--start-time is "
            + configured
            + " but the export in "
            + directory
            + " started at "
            + stored
            + ". The start time is fixed at the first run. To continue, drop --start-time"
            + " (or set it to "
            + stored
            + "); to start over from the new time, stop the handler and remove "
            + directory
            + " (everything will be exported again from that time).");
  }
}
