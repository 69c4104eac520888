package eventhandler.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/**
 * How much the console log shows: normally INFO and up, gRPC and Netty at WARN and up, no stack
 * traces; with {@code --debug}, DEBUG, gRPC and Netty at INFO, and every stack trace.
 *
 * <p>gRPC and Netty stay at INFO, not DEBUG, under {@code --debug}: at DEBUG gRPC logs every HTTP/2
 * frame of the event streams, which would bury the program's own debug lines.
 */
public final class LogDetail {
  static final String[] LIBRARIES = {"io.grpc", "io.netty"};

  private static volatile boolean enabled;

  private LogDetail() {}

  /** Whether stack traces and the debug levels are on. */
  public static boolean enabled() {
    return enabled;
  }

  /** Turns on the {@code --debug} levels and stack traces (Logback is the configured backend). */
  public static void enableDebug() {
    enabled = true;
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.DEBUG);
      for (String library : LIBRARIES) {
        context.getLogger(library).setLevel(Level.INFO);
      }
      context.getLogger(ConsoleLogSetup.CHANNEL_LOGGER).setLevel(null); // as io.grpc
    }
  }

  /** Back to the normal levels (tests run several commands in one JVM). */
  public static void reset() {
    enabled = false;
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      ConsoleLogSetup.normalLevels(context);
    }
  }
}
