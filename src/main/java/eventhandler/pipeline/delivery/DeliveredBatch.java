package eventhandler.pipeline.delivery;

import eventhandler.sink.DeliveryReport;
import java.time.Duration;
import java.time.Instant;

/**
 * One batch a {@link DeliveryLane} handed to the sink and the sink settled.
 *
 * @param report what the sink did with it
 * @param newestEventTime the time of the newest event in the batch; {@code null} when the lane was
 *     not told event times
 * @param took from handing the batch to the sink until it settled, retries included
 */
public record DeliveredBatch(DeliveryReport report, Instant newestEventTime, Duration took) {}
