package eventhandler.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import eventhandler.cli.RootCommand;
import eventhandler.demo.LocalStack;
import eventhandler.pipeline.ExportJob;
import eventhandler.pipeline.ExportTimings;
import eventhandler.sim.FluentdReceiver;
import eventhandler.sim.SimulatedCluster;
import eventhandler.state.StateStore;
import eventhandler.teleport.CredentialSource;
import eventhandler.teleport.GrpcTeleportClient;
import eventhandler.teleport.TeleportClient;
import eventhandler.teleport.TeleportConnector;
import eventhandler.teleport.TeleportSettings;
import eventhandler.teleport.proto.auditlog.EventUnstructured;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A simulated Teleport cluster and a Fluentd-compatible receiver set up as the guide does ({@link
 * LocalStack}), with the real {@code start} command line run in-process against them. Each run uses
 * the same storage directory, so a second run resumes the first.
 */
final class FeatureRun implements AutoCloseable {
  /** A run that did not end by itself within this time is stopped and fails the test. */
  static final Duration RUN_LIMIT = Duration.ofSeconds(60);

  /** Retries within a second or two, so tests see them happen. */
  static final ExportTimings QUICK_RETRIES =
      new ExportTimings(
          Duration.ofMillis(500),
          Duration.ofSeconds(1),
          Duration.ofMillis(200),
          Duration.ofSeconds(10));

  private final LocalStack stack;
  private final Path storage;
  private ExportTimings timings = ExportTimings.DEFAULT;
  private final List<Running> launched = new ArrayList<>();
  private GrpcTeleportClient client;
  private ScheduledExecutorService clientScheduler;

  private FeatureRun(LocalStack stack, Path storage) {
    this.stack = stack;
    this.storage = storage;
  }

  /** Starts {@code cluster} (not yet started) and a receiver keeping records in memory. */
  static FeatureRun start(Path dir, SimulatedCluster cluster) throws IOException {
    LocalStack stack =
        LocalStack.start(dir.resolve("stack"), cluster, FluentdReceiver.Builder::storeInMemory);
    return new FeatureRun(stack, dir.resolve("storage"));
  }

  /** The retry delays of the following runs. */
  FeatureRun timings(ExportTimings value) {
    this.timings = value;
    return this;
  }

  /** What a run of {@code start} ended with. */
  record Result(int exitCode, String out, String err) {}

  /** A run of {@code start} in progress. */
  static final class Running {
    private final ExportJob job;
    private final CompletableFuture<Result> result;

    private Running(ExportJob job, CompletableFuture<Result> result) {
      this.job = job;
      this.result = result;
    }

    boolean isDone() {
      return result.isDone();
    }

    /** Stops the run as SIGTERM does and waits for it to end. */
    Result stop() {
      job.stop();
      return await();
    }

    /** Waits for the run to end by itself; stops it and fails after {@link #RUN_LIMIT}. */
    Result await() {
      try {
        return result.get(RUN_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        job.stop();
        throw new AssertionError("start did not end within " + RUN_LIMIT.toSeconds() + " s", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        job.stop();
        throw new AssertionError("interrupted", e);
      } catch (ExecutionException e) {
        throw new AssertionError("start threw", e.getCause());
      }
    }
  }

  /** Runs {@code start} with the stack's arguments plus {@code flags} until it ends by itself. */
  Result run(String... flags) {
    return launch(flags).await();
  }

  /** Starts {@code start} in the background with the stack's arguments plus {@code flags}. */
  Running launch(String... flags) {
    String[] arguments = stack.startArguments(storage, flags).toArray(String[]::new);
    ExportJob job;
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    PrintWriter errWriter = new PrintWriter(err, true);
    job =
        new ExportJob(
            Clock.systemUTC(), errWriter, ExportJob.Options.defaults().withTimings(timings));
    ExportJob started = job;
    CompletableFuture<Result> result =
        CompletableFuture.supplyAsync(
            () -> {
              int code =
                  new RootCommand(Map.of(), new PrintWriter(out, true), errWriter, started::run)
                      .execute(arguments);
              return new Result(code, out.toString(), err.toString());
            },
            runnable -> {
              Thread thread = new Thread(runnable, "feature-run-start");
              thread.setDaemon(true);
              thread.start();
            });
    Running running = new Running(job, result);
    launched.add(running);
    return running;
  }

  SimulatedCluster cluster() {
    return stack.cluster();
  }

  FluentdReceiver receiver() {
    return stack.receiver();
  }

  Path storage() {
    return storage;
  }

  /** {@code <storage>/<host>_<port>}: where {@code start} keeps its state for this cluster. */
  Path stateDir() {
    return storage.resolve(StateStore.directoryName(cluster().authAddress()));
  }

  /**
   * A Teleport client of this cluster, for a test to look at what the cluster serves (chunk names,
   * cursors); closed with the run.
   */
  TeleportClient teleportClient() {
    if (client == null) {
      clientScheduler = Executors.newSingleThreadScheduledExecutor();
      client =
          new TeleportConnector(Clock.systemUTC(), clientScheduler, new SimpleMeterRegistry())
              .connect(
                  TeleportSettings.of(
                      cluster().authAddress(), CredentialSource.identityFile(stack.identity())));
    }
    return client;
  }

  /** The audit events Fluentd received, as their {@code uid}s, in arrival order. */
  List<String> receivedAuditUids() {
    return uids(receiver().records(LocalStack.auditTag()));
  }

  /** The events of {@code sessionId}'s recording Fluentd received, in arrival order. */
  List<JsonNode> receivedSessionEvents(String sessionId) {
    return receiver().records(LocalStack.sessionTag(sessionId));
  }

  /** The uids of the cluster's audit events that {@code which} accepts, in order. */
  List<String> expectedAuditUids(Predicate<EventUnstructured> which) {
    return cluster().expectedAuditEvents().filter(which).map(EventUnstructured::getId).toList();
  }

  List<String> expectedAuditUids() {
    return expectedAuditUids(event -> true);
  }

  /** The {@code ei}s of the events of {@code sessionId} that {@code which} accepts, in order. */
  List<Long> expectedSessionIndexes(String sessionId, Predicate<EventUnstructured> which) {
    return cluster().expectedSessionEvents(sessionId).stream()
        .filter(which)
        .map(EventUnstructured::getIndex)
        .toList();
  }

  static List<Long> indexes(List<JsonNode> sessionEvents) {
    return sessionEvents.stream().map(event -> event.get("ei").asLong()).toList();
  }

  static List<String> uids(List<JsonNode> records) {
    List<String> uids = new ArrayList<>(records.size());
    for (JsonNode record : records) {
      JsonNode uid = record.get("uid");
      assertThat(uid).as("every audit record has a uid: %s", record).isNotNull();
      uids.add(uid.asText());
    }
    return uids;
  }

  /** The event types of {@code records}, counted. */
  static Map<String, Long> typesOf(List<JsonNode> records) {
    return records.stream()
        .collect(Collectors.groupingBy(r -> r.get("event").asText(), Collectors.counting()));
  }

  /** Stops runs a failed test left running, then the cluster and the receiver. */
  @Override
  public void close() {
    for (Running running : launched) {
      if (!running.isDone()) {
        running.stop();
      }
    }
    if (client != null) {
      client.close();
      clientScheduler.shutdownNow();
    }
    stack.close();
  }
}
