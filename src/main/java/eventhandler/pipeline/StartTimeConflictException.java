package eventhandler.pipeline;

/** The configured start time differs from the one this storage directory was started with. */
public final class StartTimeConflictException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  StartTimeConflictException(String message) {
    super(message);
  }
}
