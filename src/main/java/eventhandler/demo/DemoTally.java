package eventhandler.demo;

import eventhandler.sim.SimulatedCluster;
import eventhandler.sim.fluentd.FluentdReceiver;

/**
 * What the receiver got against what the simulated cluster holds (session {@code print} events are
 * skipped by default, so they are not expected).
 */
public record DemoTally(
    long audit, long expectedAudit, long sessionEvents, long expectedSessionEvents, int sessions) {

  public static DemoTally of(LocalStack stack) {
    SimulatedCluster cluster = stack.cluster();
    FluentdReceiver receiver = stack.receiver();
    long expectedAudit = cluster.auditEventCount();
    long audit = receiver.received(LocalStack.auditTag());
    var sessionIds = cluster.sessionIds();
    long expectedSessionEvents = 0;
    long sessionEvents = 0;
    for (String sessionId : sessionIds) {
      expectedSessionEvents +=
          cluster.expectedSessionEvents(sessionId).stream()
              .filter(event -> !event.getType().equals("print"))
              .count();
      sessionEvents += receiver.received(LocalStack.sessionTag(sessionId));
    }
    return new DemoTally(
        audit, expectedAudit, sessionEvents, expectedSessionEvents, sessionIds.size());
  }

  public boolean complete() {
    return audit >= expectedAudit && sessionEvents >= expectedSessionEvents;
  }
}
