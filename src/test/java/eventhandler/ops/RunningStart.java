package eventhandler.ops;

import static org.awaitility.Awaitility.await;

import eventhandler.cli.RootCommand;
import eventhandler.demo.LocalStack;
import eventhandler.sim.SimulatedCluster;
import eventhandler.startup.Launcher;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The real {@code start} command line, run in-process against a {@link LocalStack} with {@code
 * --metrics-addr} on a free loopback port, and a client for its operations endpoints.
 */
final class RunningStart implements AutoCloseable {
  private final LocalStack stack;
  private final Launcher job;
  private final CompletableFuture<Integer> exitCode;
  private final StringWriter err = new StringWriter();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final InetSocketAddress opsAddress;

  /** An HTTP answer of the operations listener. */
  record Answer(int status, String body) {}

  private RunningStart(
      Path directory,
      SimulatedCluster cluster,
      ExportReadiness.Thresholds thresholds,
      Consumer<LocalStack> beforeStart,
      String... extraFlags)
      throws IOException {
    stack = LocalStack.start(directory, cluster, receiver -> receiver.countOnly());
    beforeStart.accept(stack);
    PrintWriter errWriter = new PrintWriter(err, true);
    job =
        new Launcher(
            Clock.systemUTC(),
            errWriter,
            Launcher.Options.defaults().withReadinessThresholds(pollInterval -> thresholds));
    List<String> flags = new ArrayList<>(List.of("--metrics-addr=127.0.0.1:0", "--timeout=1s"));
    flags.addAll(List.of(extraFlags));
    String[] arguments =
        stack
            .startArguments(directory.resolve("storage"), flags.toArray(String[]::new))
            .toArray(String[]::new);
    exitCode =
        CompletableFuture.supplyAsync(
            () ->
                new RootCommand(Map.of(), new PrintWriter(new StringWriter()), errWriter, job::run)
                    .execute(arguments));
    await("the operations listener")
        .atMost(Duration.ofSeconds(30))
        .until(() -> job.opsAddress().isPresent() || exitCode.isDone());
    opsAddress =
        job.opsAddress().orElseThrow(() -> new AssertionError("start ended early: " + err));
  }

  static RunningStart start(
      Path directory,
      SimulatedCluster cluster,
      ExportReadiness.Thresholds thresholds,
      String... extraFlags)
      throws IOException {
    return new RunningStart(directory, cluster, thresholds, stack -> {}, extraFlags);
  }

  /** Like {@link #start}, with a change to the stack before {@code start} runs. */
  static RunningStart startAfter(
      Consumer<LocalStack> beforeStart,
      Path directory,
      SimulatedCluster cluster,
      ExportReadiness.Thresholds thresholds,
      String... extraFlags)
      throws IOException {
    return new RunningStart(directory, cluster, thresholds, beforeStart, extraFlags);
  }

  LocalStack stack() {
    return stack;
  }

  Launcher job() {
    return job;
  }

  CompletableFuture<Integer> exitCode() {
    return exitCode;
  }

  String errors() {
    return err.toString();
  }

  Answer get(String path) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + opsAddress.getPort() + path))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new AssertionError("GET " + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  PrometheusText metrics() {
    Answer answer = get("/metrics");
    if (answer.status() != 200) {
      throw new AssertionError("/metrics answered " + answer);
    }
    return PrometheusText.parse(answer.body());
  }

  /** Events of every recorded session the receiver took. */
  long sessionEventsReceived() {
    return stack.cluster().sessionIds().stream()
        .mapToLong(sid -> stack.receiver().received(LocalStack.sessionTag(sid)))
        .sum();
  }

  @Override
  public void close() {
    try {
      job.stop();
      await("start to end").atMost(Duration.ofSeconds(30)).until(exitCode::isDone);
    } finally {
      stack.close();
    }
  }
}
