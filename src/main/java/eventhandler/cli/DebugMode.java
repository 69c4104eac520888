package eventhandler.cli;

import ch.qos.logback.classic.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code --debug}: DEBUG logging and stack traces with errors, for one command run. */
final class DebugMode {
  private boolean enabled;

  /** Turns debug on: raises the root logger to DEBUG (Logback is the configured backend). */
  void enable() {
    enabled = true;
    Logger root = LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    if (root instanceof ch.qos.logback.classic.Logger logback) {
      logback.setLevel(Level.DEBUG);
    }
  }

  boolean enabled() {
    return enabled;
  }
}
