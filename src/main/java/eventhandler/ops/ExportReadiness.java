package eventhandler.ops;

import eventhandler.pipeline.ExportMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Decides {@code /readyz}: Teleport answered recently, Fluentd is not failing, and the export is
 * not stalled (events are waiting but nothing was delivered for a while).
 */
public final class ExportReadiness implements Supplier<Readiness> {
  /** How long each condition may be bad before the exporter counts as not ready. */
  public record Thresholds(Duration teleport, Duration fluentd, Duration stall) {
    public static Thresholds defaults(Duration pollInterval) {
      Duration teleport = pollInterval.multipliedBy(3).plus(Duration.ofSeconds(60));
      return new Thresholds(teleport, Duration.ofSeconds(60), Duration.ofMinutes(5));
    }
  }

  private final ExportMetrics metrics;
  private final Supplier<Optional<Duration>> fluentdFailingFor;
  private final IntSupplier batchesInFlight;
  private final Clock clock;
  private final Thresholds thresholds;
  private final Instant started;

  /**
   * @param fluentdFailingFor how long every request to Fluentd has been failing, empty when the
   *     last one succeeded
   * @param batchesInFlight batches handed to Fluentd and not acknowledged yet
   */
  public ExportReadiness(
      ExportMetrics metrics,
      Supplier<Optional<Duration>> fluentdFailingFor,
      IntSupplier batchesInFlight,
      Clock clock,
      Thresholds thresholds) {
    this.metrics = metrics;
    this.fluentdFailingFor = fluentdFailingFor;
    this.batchesInFlight = batchesInFlight;
    this.clock = clock;
    this.thresholds = thresholds;
    this.started = clock.instant();
  }

  @Override
  public Readiness get() {
    Instant now = clock.instant();
    List<String> problems = new ArrayList<>();
    Instant lastPoll = metrics.lastPoll();
    Duration sincePoll = Duration.between(lastPoll == null ? started : lastPoll, now);
    if (sincePoll.compareTo(thresholds.teleport()) > 0) {
      problems.add(
          lastPoll == null
              ? "not connected to Teleport yet (" + sincePoll.toSeconds() + " s since start)"
              : "no successful read from Teleport for " + sincePoll.toSeconds() + " s");
    }
    fluentdFailingFor
        .get()
        .filter(failing -> failing.compareTo(thresholds.fluentd()) > 0)
        .ifPresent(
            failing ->
                problems.add(
                    "requests to Fluentd have been failing for " + failing.toSeconds() + " s"));
    Instant lastDelivery = metrics.lastDelivery();
    Duration sinceDelivery = Duration.between(lastDelivery == null ? started : lastDelivery, now);
    if (batchesInFlight.getAsInt() > 0 && sinceDelivery.compareTo(thresholds.stall()) > 0) {
      problems.add(
          "stalled: events are waiting but nothing was delivered for "
              + sinceDelivery.toSeconds()
              + " s");
    }
    return problems.isEmpty() ? Readiness.ok() : Readiness.notReady(problems);
  }
}
