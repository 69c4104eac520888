package eventhandler.pipeline.audit;

/** Reads every audit event of the cluster and hands it to delivery (search or bulk export). */
public interface AuditExport {
  /**
   * Runs until stopped (interrupt), or, with exit-on-last-event, until it is caught up and every
   * event read has been delivered.
   */
  void run() throws InterruptedException, java.io.IOException;

  /** A short name for logs: "search" or "bulk export". */
  String mode();

  /** The saved position a restart resumes from, for the log: "resuming on 2025-11-03 ...". */
  String resumePoint();
}
