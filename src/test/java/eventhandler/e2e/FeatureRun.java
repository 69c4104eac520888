package eventhandler.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import eventhandler.demo.LocalStack;
import eventhandler.pipeline.ExportTimings;
import eventhandler.sim.SimulatedCluster;
import eventhandler.sim.SimulatedClusterBuilder;
import eventhandler.sim.fluentd.FluentdReceiver;
import eventhandler.sim.fluentd.FluentdReceiverBuilder;
import eventhandler.startup.Launcher;
import eventhandler.teleport.ConnectOptions;
import eventhandler.teleport.CredentialSource;
import eventhandler.teleport.GrpcTeleportClient;
import eventhandler.teleport.TeleportClient;
import eventhandler.teleport.TeleportConnector;
import eventhandler.teleport.proto.auditlog.EventUnstructured;
import eventhandler.testing.BackgroundStart;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A simulated Teleport cluster and a Fluentd-compatible receiver set up as the guide does ({@link
 * LocalStack}), with the real {@code start} command line run in-process against them. Each run uses
 * the same storage directory, so a second run resumes the first.
 */
final class FeatureRun implements AutoCloseable {
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
  private final List<BackgroundStart> launched = new ArrayList<>();
  private GrpcTeleportClient client;
  private ScheduledExecutorService clientScheduler;

  private FeatureRun(LocalStack stack, Path storage) {
    this.stack = stack;
    this.storage = storage;
  }

  /** Starts {@code cluster} (not yet started) and a receiver keeping records in memory. */
  static FeatureRun start(Path dir, SimulatedCluster cluster) throws IOException {
    LocalStack stack =
        LocalStack.start(dir.resolve("stack"), cluster, FluentdReceiverBuilder::storeInMemory);
    return new FeatureRun(stack, dir.resolve("storage"));
  }

  /**
   * A cluster whose history spans {@code length} up to a minute ago, where the simulator's default
   * history ends as well.
   */
  static SimulatedClusterBuilder clusterWithHistory(Duration length) {
    Instant now = Instant.now();
    return SimulatedCluster.builder()
        .timeRange(now.minus(length), now.minus(Duration.ofMinutes(1)));
  }

  /** The retry delays of the following runs. */
  FeatureRun timings(ExportTimings value) {
    this.timings = value;
    return this;
  }

  /** Runs {@code start} with the stack's arguments plus {@code flags} until it ends by itself. */
  BackgroundStart.Result run(String... flags) {
    return launch(flags).await();
  }

  /** Starts {@code start} in the background with the stack's arguments plus {@code flags}. */
  BackgroundStart launch(String... flags) {
    return launch(Launcher.Options.defaults(), stack.startArguments(storage, flags));
  }

  /**
   * As {@link #launch}, without the stack's {@code --start-time}: the command a restart runs, as
   * the docs say.
   */
  BackgroundStart launchWithoutStartTime(String... flags) {
    List<String> arguments = new ArrayList<>(stack.startArguments(storage));
    arguments.removeIf(argument -> argument.startsWith("--start-time="));
    arguments.addAll(List.of(flags));
    return launch(Launcher.Options.defaults(), arguments);
  }

  private BackgroundStart launch(Launcher.Options options, List<String> arguments) {
    BackgroundStart running = BackgroundStart.launch(options.withTimings(timings), arguments);
    launched.add(running);
    return running;
  }

  /**
   * Runs {@code start} until it ends by itself, reaching Teleport at {@code teleportAddress} with
   * {@code environment} as the process environment of the connection ({@code HTTPS_PROXY}...).
   */
  BackgroundStart.Result runVia(
      String teleportAddress, Map<String, String> environment, String... flags) {
    return launch(
            Launcher.Options.defaults().withEnvironment(environment),
            stack.startArgumentsVia(storage, teleportAddress, flags))
        .await();
  }

  SimulatedCluster cluster() {
    return stack.cluster();
  }

  FluentdReceiver receiver() {
    return stack.receiver();
  }

  /**
   * {@code <storage>/<host>_<port>}: where {@code start} keeps its state for this cluster. Spelled
   * out here rather than taken from {@code StateStore}, so the Go plugin's layout is checked.
   */
  Path stateDir() {
    return storage.resolve(cluster().authAddress().replace(':', '_'));
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
                  ConnectOptions.of(
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

  private static List<String> uids(List<JsonNode> records) {
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
    for (BackgroundStart running : launched) {
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
