package eventhandler.startup;

import eventhandler.teleport.TeleportException;
import java.io.PrintWriter;

/**
 * How {@code start} ends on an error: one line for the user, and the exit code that tells a service
 * manager whether to restart (1) or that the user must fix something first (2).
 */
final class ExitCodes {
  private final PrintWriter err;

  ExitCodes(PrintWriter err) {
    this.err = err;
  }

  /** Exit code 2: a problem the user must fix (credentials, settings, a start-time conflict). */
  int userError(String message) {
    print(message);
    return 2;
  }

  /** Exit code 1: anything else. */
  int failure(String message) {
    print(message);
    return 1;
  }

  /** Credentials, parameters and permissions are the user's to fix; the rest is a failure. */
  int teleport(TeleportException e) {
    return switch (e.kind()) {
      case CREDENTIALS, BAD_PARAMETER, ACCESS_DENIED, UNAUTHENTICATED -> userError(e.getMessage());
      default -> failure(e.getMessage());
    };
  }

  private void print(String message) {
    err.println("error: " + message);
    err.flush();
  }
}
