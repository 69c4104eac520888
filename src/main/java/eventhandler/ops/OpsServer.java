package eventhandler.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The operations listener ({@code --metrics-addr}): {@code /metrics} in Prometheus text format,
 * {@code /healthz} (the process is alive) and {@code /readyz} (connected to Teleport, Fluentd
 * reachable, not stalled; 503 with the reasons otherwise).
 */
public final class OpsServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;

  public OpsServer(
      InetSocketAddress address, PrometheusMeterRegistry registry, Supplier<Readiness> readiness)
      throws IOException {
    server = HttpServer.create(address, 16);
    executor =
        Executors.newSingleThreadExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "ops-http");
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(executor);
    server.createContext(
        "/metrics",
        exchange ->
            respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
    server.createContext("/healthz", exchange -> respond(exchange, 200, "text/plain", "ok\n"));
    server.createContext(
        "/readyz",
        exchange -> {
          Readiness now = readiness.get();
          String body =
              now.ready()
                  ? "ready\n"
                  : "not ready:\n- " + String.join("\n- ", now.problems()) + "\n";
          respond(exchange, now.ready() ? 200 : 503, "text/plain", body);
        });
  }

  public OpsServer start() {
    server.start();
    return this;
  }

  /** The bound address (useful when port 0 was asked for). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  private static void respond(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())
          && !"HEAD".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", type);
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
