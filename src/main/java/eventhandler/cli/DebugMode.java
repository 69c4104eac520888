package eventhandler.cli;

import eventhandler.logging.LogDetail;

/** {@code --debug}: DEBUG logging and stack traces with errors, for one command run. */
final class DebugMode {
  private boolean enabled;

  /** Turns debug on: the debug log levels, and stack traces in the log and with errors. */
  void enable() {
    enabled = true;
    LogDetail.enableDebug();
  }

  boolean enabled() {
    return enabled;
  }
}
