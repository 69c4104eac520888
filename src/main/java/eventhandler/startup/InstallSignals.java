package eventhandler.startup;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * POSIX signals for {@code start}: SIGTERM and SIGINT stop gracefully (in-flight batches settle,
 * the checkpoint is written, exit 0, which a JVM shutdown hook alone cannot give); SIGHUP reloads
 * the Teleport identity, as {@code systemctl reload} expects.
 */
final class InstallSignals {
  private static final Logger LOG = LoggerFactory.getLogger(InstallSignals.class);

  private InstallSignals() {}

  static void onStop(Runnable stop) {
    for (String name : new String[] {"TERM", "INT"}) {
      handle(
          name,
          () -> {
            LOG.info("SIG{}: stopping after in-flight batches are delivered", name);
            stop.run();
          });
    }
  }

  static void onReload(Runnable reload) {
    handle("HUP", reload);
  }

  private static void handle(String name, Runnable action) {
    try {
      Signal.handle(new Signal(name), signal -> action.run());
    } catch (IllegalArgumentException e) {
      LOG.debug("signal {} cannot be handled on this platform: {}", name, e.getMessage());
    }
  }
}
