package eventhandler.startup;

import eventhandler.config.HostPort;
import eventhandler.ops.OpsServer;
import eventhandler.ops.Readiness;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /metrics}, {@code /healthz} and {@code /readyz} on {@code --metrics-addr}. It starts
 * before Teleport is reached, so that {@code /healthz} answers and {@code /readyz} says why it is
 * not ready while the first connection is retried; the export's readiness replaces that later.
 */
final class OpsListener implements AutoCloseable {
  /** Launcher's log: the lines keep the logger name they always had. */
  private static final Logger LOG = LoggerFactory.getLogger(Launcher.class);

  private final OpsServer server;
  private final AtomicReference<Supplier<Readiness>> readiness;

  private OpsListener(OpsServer server, AtomicReference<Supplier<Readiness>> readiness) {
    this.server = server;
    this.readiness = readiness;
  }

  /** Serves on {@code address}; fails with a message that names the setting and what to check. */
  static OpsListener start(
      HostPort address, PrometheusMeterRegistry registry, Supplier<Readiness> untilReady)
      throws IOException {
    AtomicReference<Supplier<Readiness>> readiness = new AtomicReference<>(untilReady);
    InetSocketAddress socketAddress =
        address.host().isEmpty()
            ? new InetSocketAddress(address.port())
            : new InetSocketAddress(address.host(), address.port());
    OpsServer server;
    try {
      server = new OpsServer(socketAddress, registry, () -> readiness.get().get()).start();
    } catch (IOException e) {
      throw new IOException(
          "cannot serve /metrics on --metrics-addr "
              + address
              + ": "
              + e.getMessage()
              + " (is another program using that port?)",
          e);
    }
    LOG.info("serving /metrics, /healthz and /readyz on {}", server.address());
    return new OpsListener(server, readiness);
  }

  /** From now on {@code /readyz} answers with {@code next}. */
  void readiness(Supplier<Readiness> next) {
    readiness.set(next);
  }

  InetSocketAddress address() {
    return server.address();
  }

  @Override
  public void close() {
    server.close();
  }
}
