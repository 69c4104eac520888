package eventhandler.startup;

import eventhandler.pipeline.ExportMetrics;
import eventhandler.pipeline.PipelineConfig;
import eventhandler.pipeline.delivery.DeliveredBatch;
import eventhandler.pipeline.delivery.DeliveryLane;
import eventhandler.pipeline.session.SessionJob;
import eventhandler.sink.EventSink;
import java.net.URI;
import java.util.function.Consumer;

/** The export's delivery lanes: one per flow, all to the one sink, with the settings' limits. */
record Lanes(PipelineConfig config, EventSink sink, ExportMetrics metrics) {
  /** A lane of audit events, up to {@code maxInFlight} batches at once. */
  <P> DeliveryLane<P> audit(int maxInFlight, P initial) {
    return lane(config.fluentdUrl(), maxInFlight, initial, metrics::auditDelivered);
  }

  /** The lane of one recording's events, to {@code <session-url>.<sid>.log}. */
  DeliveryLane<Long> session(SessionJob job) {
    // One batch in flight per session keeps each recording's events in order at Fluentd.
    return lane(config.sessionUrl(job.sessionId()), 1, job.index(), metrics::sessionDelivered);
  }

  private <P> DeliveryLane<P> lane(
      URI url, int maxInFlight, P initial, Consumer<DeliveredBatch> onDelivered) {
    return new DeliveryLane<>(
        sink,
        url,
        config.fluentdBatchSize(),
        config.fluentdBatchBytes(),
        maxInFlight,
        initial,
        onDelivered,
        metrics.inFlight());
  }
}
