package eventhandler.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import eventhandler.demo.LocalStack;
import eventhandler.ops.ExportReadiness;
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
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The one end-to-end runner: a simulated Teleport cluster and a Fluentd-compatible receiver set up
 * as the guide does (a {@link LocalStack} in {@code <dir>/stack}), and the real {@code start}
 * command line run against them as often as a test needs: in this JVM ({@link #launch}, also with
 * its operations listener), or as a child JVM ({@link #startChild}). Every run uses {@code
 * <dir>/storage}, so a second run resumes the first. Longer than most classes because every
 * end-to-end test shares it; the child JVM, arrival sampling and ops client are classes of their
 * own.
 */
public final class E2eRun implements AutoCloseable {
  /** Retries within a second or two, so tests see them happen. */
  public static final ExportTimings QUICK_RETRIES =
      new ExportTimings(
          Duration.ofMillis(500),
          Duration.ofSeconds(1),
          Duration.ofMillis(200),
          Duration.ofSeconds(10));

  private final LocalStack stack;
  private final Path directory;
  private final Path storage;
  private ExportTimings timings = ExportTimings.DEFAULT;
  private final List<BackgroundStart> launched = new ArrayList<>();
  private int children;
  private GrpcTeleportClient client;
  private ScheduledExecutorService clientScheduler;

  private E2eRun(LocalStack stack, Path directory) {
    this.stack = stack;
    this.directory = directory;
    this.storage = directory.resolve("storage");
  }

  /** Starts {@code cluster} (not started yet) and a receiver keeping records in memory. */
  public static E2eRun start(Path dir, SimulatedCluster cluster) throws IOException {
    return start(dir, cluster, UnaryOperator.identity());
  }

  /** As {@link #start(Path, SimulatedCluster)}, with the receiver's builder adjusted. */
  public static E2eRun start(
      Path dir, SimulatedCluster cluster, UnaryOperator<FluentdReceiverBuilder> receiver)
      throws IOException {
    LocalStack stack =
        LocalStack.start(
            dir.resolve("stack"), cluster, builder -> receiver.apply(builder.storeInMemory()));
    return new E2eRun(stack, dir);
  }

  /**
   * A cluster whose history spans {@code length} up to a minute ago, where the simulator's default
   * history ends as well.
   */
  public static SimulatedClusterBuilder clusterWithHistory(Duration length) {
    Instant now = Instant.now();
    return SimulatedCluster.builder()
        .timeRange(now.minus(length), now.minus(Duration.ofMinutes(1)));
  }

  /** The retry delays of the following runs in this JVM. */
  public E2eRun timings(ExportTimings value) {
    this.timings = value;
    return this;
  }

  public LocalStack stack() {
    return stack;
  }

  public SimulatedCluster cluster() {
    return stack.cluster();
  }

  public FluentdReceiver receiver() {
    return stack.receiver();
  }

  /**
   * {@code <storage>/<host>_<port>}: where {@code start} keeps its state for this cluster. Spelled
   * out here rather than taken from {@code StateStore}, so the Go plugin's layout is checked.
   */
  public Path stateDir() {
    return storage.resolve(cluster().authAddress().replace(':', '_'));
  }

  public Path deadLetterFile() {
    return stateDir().resolve("dead-letter.jsonl");
  }

  public String receiverAuditUrl() {
    return stack.auditUrl();
  }

  public String receiverSessionUrl() {
    return stack.sessionUrl();
  }

  /** The arguments of {@code start} for this set-up, then {@code extra}. */
  public List<String> arguments(String... extra) {
    return stack.startArguments(storage, extra);
  }

  // ---- start in this JVM ----------------------------------------------------------------------

  /** Starts {@code start} in the background with the stack's arguments plus {@code flags}. */
  public BackgroundStart launch(String... flags) {
    return launch(Launcher.Options.defaults(), arguments(flags));
  }

  /** Runs {@code start} with the stack's arguments plus {@code flags} until it ends by itself. */
  public BackgroundStart.Result run(String... flags) {
    return launch(flags).await();
  }

  /** Runs {@code start --exit-on-last-event} to its end within {@code timeout}; the exit code. */
  public int runToEnd(Duration timeout, String... extra) {
    List<String> flags = new ArrayList<>(List.of(extra));
    flags.add("--exit-on-last-event=true");
    return launch(flags.toArray(String[]::new)).await(timeout).exitCode();
  }

  /**
   * As {@link #launch}, without the stack's {@code --start-time}: the command a restart runs, as
   * the docs say.
   */
  public BackgroundStart launchWithoutStartTime(String... flags) {
    List<String> arguments = new ArrayList<>(stack.startArguments(storage));
    arguments.removeIf(argument -> argument.startsWith("--start-time="));
    arguments.addAll(List.of(flags));
    return launch(Launcher.Options.defaults(), arguments);
  }

  /**
   * Runs {@code start} until it ends by itself, reaching Teleport at {@code teleportAddress} with
   * {@code environment} as the process environment of the connection ({@code HTTPS_PROXY}...).
   */
  public BackgroundStart.Result runVia(
      String teleportAddress, Map<String, String> environment, String... flags) {
    return launch(
            Launcher.Options.defaults().withEnvironment(environment),
            stack.startArgumentsVia(storage, teleportAddress, flags))
        .await();
  }

  /**
   * Starts {@code start --metrics-addr=127.0.0.1:0 --timeout=1s flags...} with these readiness
   * thresholds, and waits until its operations listener listens.
   */
  public OpsEndpoints launchWithOps(ExportReadiness.Thresholds thresholds, String... flags) {
    List<String> all = new ArrayList<>(List.of("--metrics-addr=127.0.0.1:0", "--timeout=1s"));
    all.addAll(List.of(flags));
    BackgroundStart running =
        launch(
            Launcher.Options.defaults().withReadinessThresholds(pollInterval -> thresholds),
            arguments(all.toArray(String[]::new)));
    await("the operations listener")
        .atMost(Duration.ofSeconds(30))
        .until(() -> running.opsAddress().isPresent() || running.isDone());
    return new OpsEndpoints(
        running
            .opsAddress()
            .orElseThrow(() -> new AssertionError("start ended early: " + running.errors())));
  }

  private BackgroundStart launch(Launcher.Options options, List<String> arguments) {
    BackgroundStart running = BackgroundStart.launch(options.withTimings(timings), arguments);
    launched.add(running);
    return running;
  }

  // ---- start as a child JVM -------------------------------------------------------------------

  /**
   * Runs {@code java -cp <test class path> eventhandler.Main start ...} as a child process; its
   * output goes to a file in this set-up's directory.
   */
  public ChildStart startChild(String... extra) throws IOException {
    return startChild(arguments(extra), Map.of());
  }

  /**
   * As {@link #startChild(String...)}, reaching Teleport at {@code teleportAddress} with {@code
   * environment} added to the child's ({@code SSL_CERT_FILE}, {@code HTTPS_PROXY}...).
   */
  public ChildStart startChildVia(
      String teleportAddress, Map<String, String> environment, String... extra) throws IOException {
    return startChild(stack.startArgumentsVia(storage, teleportAddress, extra), environment);
  }

  private ChildStart startChild(List<String> arguments, Map<String, String> environment)
      throws IOException {
    return ChildStart.launch(
        List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
        arguments,
        environment,
        directory.resolve("child-" + ++children + ".log"));
  }

  // ---- what the cluster holds and the receiver got --------------------------------------------

  /**
   * A Teleport client of this cluster, for a test to look at what the cluster serves (chunk names,
   * cursors); closed with the run.
   */
  public TeleportClient teleportClient() {
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

  /** Starts sampling what the receiver got, every 20 ms, until closed. */
  public Arrivals sampleArrivals() {
    return new Arrivals(receiver());
  }

  /**
   * Session events the next run may send again after a kill or stop now: the events received so far
   * of every session whose {@code session.upload} event has not arrived, or is among the last
   * {@code recentAudit} audit records (which a checkpoint may not cover yet). Reading an upload
   * event again exports its whole recording again.
   */
  public long sessionEventsAtRisk(long recentAudit) {
    List<JsonNode> audit = receiver().records(LocalStack.auditTag());
    Set<String> saved = new HashSet<>();
    for (JsonNode record : audit.subList(0, (int) Math.max(0, audit.size() - recentAudit))) {
      if (record.path("event").asText().equals("session.upload")) {
        saved.add(record.path("sid").asText());
      }
    }
    long events = 0;
    for (String sid : cluster().sessionIds()) {
      if (!saved.contains(sid)) {
        events += receiver().received(LocalStack.sessionTag(sid));
      }
    }
    return events;
  }

  /** Events of every recorded session the receiver took. */
  public long sessionEventsReceived() {
    return cluster().sessionIds().stream()
        .mapToLong(sid -> receiver().received(LocalStack.sessionTag(sid)))
        .sum();
  }

  /** The audit events Fluentd received, as their {@code uid}s, in arrival order. */
  public List<String> receivedAuditUids() {
    List<JsonNode> records = receiver().records(LocalStack.auditTag());
    List<String> uids = new ArrayList<>(records.size());
    for (JsonNode record : records) {
      JsonNode uid = record.get("uid");
      assertThat(uid).as("every audit record has a uid: %s", record).isNotNull();
      uids.add(uid.asText());
    }
    return uids;
  }

  /** The events of {@code sessionId}'s recording Fluentd received, in arrival order. */
  public List<JsonNode> receivedSessionEvents(String sessionId) {
    return receiver().records(LocalStack.sessionTag(sessionId));
  }

  /** The uids of the cluster's audit events that {@code which} accepts, in order. */
  public List<String> expectedAuditUids(Predicate<EventUnstructured> which) {
    return cluster().expectedAuditEvents().filter(which).map(EventUnstructured::getId).toList();
  }

  public List<String> expectedAuditUids() {
    return expectedAuditUids(event -> true);
  }

  /** The {@code ei}s of the events of {@code sessionId} that {@code which} accepts, in order. */
  public List<Long> expectedSessionIndexes(String sessionId, Predicate<EventUnstructured> which) {
    return cluster().expectedSessionEvents(sessionId).stream()
        .filter(which)
        .map(EventUnstructured::getIndex)
        .toList();
  }

  public static List<Long> indexes(List<JsonNode> sessionEvents) {
    return sessionEvents.stream().map(event -> event.get("ei").asLong()).toList();
  }

  /** The event types of {@code records}, counted. */
  public static Map<String, Long> typesOf(List<JsonNode> records) {
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
