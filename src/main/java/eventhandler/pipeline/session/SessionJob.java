package eventhandler.pipeline.session;

import java.time.Instant;

/**
 * A recording to export: its session id, the index to stream from, when it was uploaded (for the
 * 48-hour give-up rule) and how many times it was not found so far.
 */
public record SessionJob(String sessionId, long index, Instant uploadTime, int notFoundAttempts) {}
