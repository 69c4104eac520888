package eventhandler.logging;

import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Routes {@code java.util.logging} into SLF4J, so that gRPC and Netty, which log through it, reach
 * the program's console log, in its format and at its levels, instead of printing their own
 * two-line records with stack traces to stderr.
 */
public final class JulBridge {
  private JulBridge() {}

  /** Replaces JUL's console handler by the bridge; safe to call more than once. */
  public static synchronized void install() {
    if (!SLF4JBridgeHandler.isInstalled()) {
      SLF4JBridgeHandler.removeHandlersForRootLogger();
      SLF4JBridgeHandler.install();
    }
  }
}
