package eventhandler.startup;

import eventhandler.pipeline.ExportMetrics;
import java.io.PrintWriter;
import java.nio.file.Path;

/** What a dry run read and would have sent; it goes to the user, not to the log. */
final class DryRunSummary {
  private DryRunSummary() {}

  static void print(PrintWriter err, ExportMetrics metrics, Path realState, Path dryRunState) {
    long auditRead = metrics.auditExported() + metrics.auditSkipped() + metrics.auditDeadLettered();
    long sessionEventsRead =
        metrics.sessionEventsExported()
            + metrics.sessionEventsSkipped()
            + metrics.sessionEventsDeadLettered();
    err.printf(
        "dry run: read %d audit events (%d left out by --types, --skip-event-types or"
            + " --start-time) and %d recordings with %d session events (%d left out by"
            + " --skip-session-types); %d audit events and %d session events would have been sent"
            + " to Fluentd, but nothing was sent and no user was locked.%n"
            + "The export position in %s was not touched; the dry run kept its own in %s.%n",
        auditRead,
        metrics.auditSkipped(),
        metrics.sessionsFinished(),
        sessionEventsRead,
        metrics.sessionEventsSkipped(),
        metrics.auditExported(),
        metrics.sessionEventsExported(),
        realState,
        dryRunState);
    err.flush();
  }
}
