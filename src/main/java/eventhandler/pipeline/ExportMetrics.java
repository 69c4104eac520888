package eventhandler.pipeline;

import eventhandler.pipeline.delivery.DeliveredBatch;
import eventhandler.pipeline.delivery.InFlightBatches;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the export has done so far: counters for Prometheus and the figures the progress log and the
 * readiness check read. Kinds are {@code audit} and {@code session}.
 *
 * <p>Just over 300 lines because every series is registered here at start (so each exists at zero
 * before the first event) and each public member has the javadoc its callers need.
 */
public final class ExportMetrics {
  /** Counted by the audit sources' stall check; registered here so it exists from the start. */
  public static final String STALL_SUSPECTED = "eventhandler.stall.suspected";

  private final Clock clock;
  private final AtomicLong auditExported = new AtomicLong();
  private final AtomicLong sessionEventsExported = new AtomicLong();
  private final AtomicLong auditFailed = new AtomicLong();
  private final AtomicLong sessionFailed = new AtomicLong();
  private final AtomicLong auditSkipped = new AtomicLong();
  private final AtomicLong sessionEventsSkipped = new AtomicLong();
  private final AtomicLong sessionsStarted = new AtomicLong();
  private final AtomicLong sessionsFinished = new AtomicLong();
  private final AtomicLong sessionsMissing = new AtomicLong();
  private final AtomicReference<Instant> newestExported = new AtomicReference<>();
  private final AtomicReference<Instant> lastPoll = new AtomicReference<>();
  private final AtomicReference<Instant> lastPollFailure = new AtomicReference<>();
  private final AtomicReference<Instant> lastDelivery = new AtomicReference<>();
  private final Counter pollErrors;
  private final Timer auditBatches;
  private final Timer sessionBatches;
  private volatile boolean caughtUp;
  private final ReadRecovery readRecovery;
  private final InFlightBatches inFlight;

  /**
   * Registers every series of the export at zero. {@code start} makes this before it first connects
   * to Teleport, so that dashboards and {@code absent()} alerts see no gap at a restart.
   */
  public ExportMetrics(MeterRegistry registry, Clock clock) {
    this.clock = clock;
    this.readRecovery = new ReadRecovery(clock);
    this.inFlight = new InFlightBatches(clock);
    Gauge.builder("eventhandler.batches.in.flight", inFlight, InFlightBatches::count)
        .description("batches handed to Fluentd and not acknowledged yet")
        .register(registry);
    // StallCheck counts on the same counter (Micrometer hands it the one registered here); the
    // search export that makes a StallCheck only exists once connected.
    Counter.builder(STALL_SUSPECTED)
        .description("times Teleport had newer events while paging found nothing new")
        .register(registry);
    exportedCounter(registry, "audit", auditExported);
    exportedCounter(registry, "session", sessionEventsExported);
    counter(registry, "eventhandler.events.failed", "audit", auditFailed, "events dead-lettered");
    counter(
        registry, "eventhandler.events.failed", "session", sessionFailed, "events dead-lettered");
    counter(registry, "eventhandler.events.skipped", "audit", auditSkipped, "events filtered out");
    counter(
        registry, "eventhandler.events.skipped", "session", sessionEventsSkipped, "filtered out");
    counter(
        registry,
        "eventhandler.sessions.started",
        sessionsStarted,
        "session recordings whose export started");
    counter(
        registry,
        "eventhandler.sessions.finished",
        sessionsFinished,
        "session recordings exported to the end");
    counter(
        registry,
        "eventhandler.sessions.missing",
        sessionsMissing,
        "session recordings not found (yet) in Teleport");
    Gauge.builder("eventhandler.export.lag.seconds", this, ExportMetrics::lagSeconds)
        .description("now minus the time of the newest audit event delivered to Fluentd")
        .register(registry);
    timeGauge(
        registry,
        "eventhandler.export.newest.event.timestamp.seconds",
        newestExported,
        "time of the newest audit event delivered to Fluentd");
    Gauge.builder("eventhandler.export.caught.up", this, m -> m.caughtUp ? 1 : 0)
        .description("1 when the last read from Teleport found nothing newer to export")
        .register(registry);
    timeGauge(
        registry,
        "eventhandler.export.last.poll.timestamp.seconds",
        lastPoll,
        "time of the last successful read from Teleport");
    pollErrors =
        Counter.builder("eventhandler.teleport.errors")
            .description("failed reads from Teleport (retried)")
            .register(registry);
    auditBatches = batchTimer(registry, "audit");
    sessionBatches = batchTimer(registry, "session");
  }

  /** Batches count and latency: from handing a batch to the sink until Fluentd took all of it. */
  private static Timer batchTimer(MeterRegistry registry, String kind) {
    return Timer.builder("eventhandler.batch.latency")
        .tag("kind", kind)
        .description("batches delivered to Fluentd and the time each took, retries included")
        .serviceLevelObjectives(
            Duration.ofMillis(10),
            Duration.ofMillis(50),
            Duration.ofMillis(100),
            Duration.ofMillis(250),
            Duration.ofMillis(500),
            Duration.ofSeconds(1),
            Duration.ofSeconds(5),
            Duration.ofSeconds(30),
            Duration.ofMinutes(2),
            Duration.ofMinutes(10))
        .register(registry);
  }

  private static void exportedCounter(MeterRegistry registry, String kind, AtomicLong value) {
    counter(registry, "eventhandler.events.exported", kind, value, "events delivered to Fluentd");
  }

  private static void counter(
      MeterRegistry registry, String name, String kind, AtomicLong value, String description) {
    FunctionCounter.builder(name, value, AtomicLong::get)
        .tag("kind", kind)
        .description(description)
        .register(registry);
  }

  private static void counter(
      MeterRegistry registry, String name, AtomicLong value, String description) {
    FunctionCounter.builder(name, value, AtomicLong::get)
        .description(description)
        .register(registry);
  }

  /** A time as seconds since the epoch; NaN until there is one. */
  private static void timeGauge(
      MeterRegistry registry, String name, AtomicReference<Instant> time, String description) {
    Gauge.builder(name, time, t -> epochSeconds(t.get()))
        .description(description)
        .register(registry);
  }

  private static double epochSeconds(Instant instant) {
    return instant == null ? Double.NaN : instant.toEpochMilli() / 1000.0;
  }

  /**
   * Counts an audit batch Fluentd took: its events, dead letters, latency and newest event time.
   */
  public void auditDelivered(DeliveredBatch batch) {
    auditExported.addAndGet(batch.report().delivered());
    auditFailed.addAndGet(batch.report().deadLettered());
    auditBatches.record(batch.took());
    if (batch.newestEventTime() != null) {
      newestExported.accumulateAndGet(batch.newestEventTime(), ExportMetrics::later);
    }
    lastDelivery.set(clock.instant());
  }

  /** Counts a session batch Fluentd took: its events, dead letters and latency. */
  public void sessionDelivered(DeliveredBatch batch) {
    sessionEventsExported.addAndGet(batch.report().delivered());
    sessionFailed.addAndGet(batch.report().deadLettered());
    sessionBatches.record(batch.took());
    lastDelivery.set(clock.instant());
  }

  private static Instant later(Instant old, Instant candidate) {
    return old == null || candidate.isAfter(old) ? candidate : old;
  }

  /** Counts audit events written to the dead-letter file instead of Fluentd. */
  public void recordAuditFailed(int count) {
    auditFailed.addAndGet(count);
  }

  /** Counts session events (or whole recordings given up) written to the dead-letter file. */
  public void recordSessionEventFailed(int count) {
    sessionFailed.addAndGet(count);
  }

  /** Counts an audit event read and left out by the filters or the start time. */
  public void recordAuditSkipped() {
    auditSkipped.incrementAndGet();
  }

  /** Counts a session event left out by {@code --skip-session-types}. */
  public void recordSessionEventSkipped() {
    sessionEventsSkipped.incrementAndGet();
  }

  /** Counts a recording whose export started. */
  public void sessionStarted() {
    sessionsStarted.incrementAndGet();
  }

  /** Counts a recording exported to its end. */
  public void sessionFinished() {
    sessionsFinished.incrementAndGet();
  }

  /** Counts a recording Teleport did not have (yet). */
  public void sessionMissing() {
    sessionsMissing.incrementAndGet();
  }

  /** Batches handed to the sink and not settled yet. */
  public InFlightBatches inFlight() {
    return inFlight;
  }

  /** Records a read from Teleport that worked (the time, and a recovery after failures). */
  public void pollSucceeded() {
    lastPoll.set(clock.instant());
    readRecovery.succeeded();
  }

  /** Set by the audit export: true when the last read found nothing newer to export. */
  public void caughtUp(boolean value) {
    caughtUp = value;
  }

  /** Whether the last read found nothing newer to export. */
  public boolean caughtUp() {
    return caughtUp;
  }

  /** Counts a failed read from Teleport, to be retried. */
  public void pollFailed() {
    pollErrors.increment();
    lastPollFailure.set(clock.instant());
    readRecovery.failed();
  }

  /**
   * Called with the time of each audit event read from Teleport, whatever its fate: an event read
   * is a successful read (bulk export streams chunks for minutes between polls).
   */
  public void auditEventRead(Instant eventTime) {
    lastPoll.set(clock.instant());
    readRecovery.succeeded();
  }

  double lagSeconds() {
    Instant newest = newestExported.get();
    return newest == null ? Double.NaN : (clock.millis() - newest.toEpochMilli()) / 1000.0;
  }

  /** Audit events Fluentd took so far. */
  public long auditExported() {
    return auditExported.get();
  }

  /** Session events Fluentd took so far. */
  public long sessionEventsExported() {
    return sessionEventsExported.get();
  }

  /** Audit events written to the dead-letter file so far. */
  public long auditDeadLettered() {
    return auditFailed.get();
  }

  /** Session events (and recordings) written to the dead-letter file so far. */
  public long sessionEventsDeadLettered() {
    return sessionFailed.get();
  }

  /** Audit events left out so far. */
  public long auditSkipped() {
    return auditSkipped.get();
  }

  /** Session events left out so far. */
  public long sessionEventsSkipped() {
    return sessionEventsSkipped.get();
  }

  /** Recordings exported to their end so far. */
  public long sessionsFinished() {
    return sessionsFinished.get();
  }

  /** The time of the newest audit event Fluentd took; {@code null} before the first. */
  public Instant newestExportedEventTime() {
    return newestExported.get();
  }

  /** When Teleport last answered a read; {@code null} before the first answer. */
  public Instant lastPoll() {
    return lastPoll.get();
  }

  /** When a read from Teleport last failed; {@code null} if none did. */
  public Instant lastPollFailure() {
    return lastPollFailure.get();
  }

  /** When Fluentd last took a batch; {@code null} before the first. */
  public Instant lastDelivery() {
    return lastDelivery.get();
  }
}
