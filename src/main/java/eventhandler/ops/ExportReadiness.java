package eventhandler.ops;

import eventhandler.pipeline.ExportMetrics;
import eventhandler.sink.SinkHealth;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Decides {@code /readyz}: Teleport answers, Fluentd is not failing nor holding events it refuses,
 * and the export is not stalled (batches are waiting for Fluentd but nothing was delivered for a
 * while).
 */
public final class ExportReadiness implements Supplier<Readiness> {
  /**
   * How long each condition may be bad before the exporter counts as not ready.
   *
   * @param teleport no successful read from Teleport for this long (while the export is not just
   *     waiting for Fluentd)
   * @param fluentd every request to Fluentd failing for this long
   * @param stall batches waiting and nothing delivered for this long
   */
  public record Thresholds(Duration teleport, Duration fluentd, Duration stall) {
    /** Generous enough that a healthy export never flaps: polls come every {@code --timeout}. */
    public static Thresholds defaults(Duration pollInterval) {
      Duration teleport = pollInterval.multipliedBy(3).plus(Duration.ofSeconds(60));
      return new Thresholds(teleport, Duration.ofSeconds(60), Duration.ofMinutes(5));
    }
  }

  private final ExportMetrics metrics;
  private final Supplier<Optional<Instant>> batchesWaitingSince;
  private final Supplier<SinkHealth> fluentd;
  private final Clock clock;
  private final Thresholds thresholds;
  private final Instant started;

  /**
   * @param batchesWaitingSince since when some batch has been in flight without a break; empty
   *     while none is
   * @param fluentd the sink's health
   */
  public ExportReadiness(
      ExportMetrics metrics,
      Supplier<Optional<Instant>> batchesWaitingSince,
      Supplier<SinkHealth> fluentd,
      Clock clock,
      Thresholds thresholds) {
    this.metrics = metrics;
    this.batchesWaitingSince = batchesWaitingSince;
    this.fluentd = fluentd;
    this.clock = clock;
    this.thresholds = thresholds;
    this.started = clock.instant();
  }

  @Override
  public Readiness get() {
    Instant now = clock.instant();
    Optional<Instant> waitingSince = batchesWaitingSince.get();
    List<String> problems = new ArrayList<>();
    teleportProblem(now, waitingSince.isPresent()).ifPresent(problems::add);
    fluentdProblem(now).ifPresent(problems::add);
    heldProblem(now).ifPresent(problems::add);
    stallProblem(now, waitingSince).ifPresent(problems::add);
    return problems.isEmpty() ? Readiness.ok() : Readiness.notReady(problems);
  }

  private Optional<String> teleportProblem(Instant now, boolean waitingForFluentd) {
    Instant lastPoll = metrics.lastPoll();
    Instant lastFailure = metrics.lastPollFailure();
    Duration sincePoll = Duration.between(lastPoll == null ? started : lastPoll, now);
    boolean readsFailing =
        lastFailure != null && (lastPoll == null || lastFailure.isAfter(lastPoll));
    // A reader held back by deliveries that do not finish does not read; that is Fluentd's
    // problem, reported below, unless the reads themselves fail too.
    if (sincePoll.compareTo(thresholds.teleport()) <= 0 || (waitingForFluentd && !readsFailing)) {
      return Optional.empty();
    }
    return Optional.of(
        lastPoll == null
            ? "Teleport: no successful read yet (" + seconds(sincePoll) + " since start)"
            : "Teleport: no successful read for " + seconds(sincePoll));
  }

  private Optional<String> fluentdProblem(Instant now) {
    SinkHealth health = fluentd.get();
    if (health == null || health.failingSince() == null) {
      return Optional.empty();
    }
    Duration failing = Duration.between(health.failingSince(), now);
    if (failing.compareTo(thresholds.fluentd()) <= 0) {
      return Optional.empty();
    }
    return Optional.of(
        "Fluentd: every request has failed for "
            + seconds(failing)
            + (health.lastError() == null ? "" : " (last error: " + health.lastError() + ")"));
  }

  /** Not after a threshold: while events are held, nothing of theirs moves until Fluentd does. */
  private Optional<String> heldProblem(Instant now) {
    SinkHealth health = fluentd.get();
    SinkHealth.Held held = health == null ? null : health.held();
    if (held == null) {
      return Optional.empty();
    }
    return Optional.of(
        "Fluentd: refuses events sent to "
            + held.url()
            + " with "
            + held.describe()
            + " for "
            + seconds(Duration.between(held.since(), now))
            + "; "
            + held.events()
            + " events held, not dead-lettered"
            + (held.overLimit()
                ? " (the dead-letter limit is reached)"
                : " (check the tag in the URL, <parse> and time_format in fluent.conf, filters)"));
  }

  private Optional<String> stallProblem(Instant now, Optional<Instant> waitingSince) {
    if (waitingSince.isEmpty()) {
      return Optional.empty();
    }
    Instant lastDelivery = metrics.lastDelivery();
    Instant since =
        lastDelivery != null && lastDelivery.isAfter(waitingSince.get())
            ? lastDelivery
            : waitingSince.get();
    Duration quiet = Duration.between(since, now);
    if (quiet.compareTo(thresholds.stall()) <= 0) {
      return Optional.empty();
    }
    return Optional.of(
        "stalled: events are waiting for Fluentd and nothing was delivered for " + seconds(quiet));
  }

  private static String seconds(Duration duration) {
    return duration.toSeconds() + " s";
  }
}
