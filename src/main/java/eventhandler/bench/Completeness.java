package eventhandler.bench;

/** Whether every event arrived (checked at the built-in receiver, or from the counters). */
record Completeness(long expectedAudit, long expectedSessions, boolean complete, String note) {}
