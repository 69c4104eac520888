package eventhandler.pipeline.audit;

import eventhandler.pipeline.delivery.DeliveryLane;

/** Makes a delivery lane of audit events for one flow of a source (a chunk, a search window). */
public interface AuditLanes {
  <P> DeliveryLane<P> lane(P initial);
}
