package eventhandler.teleport;

import eventhandler.teleport.proto.auditlog.EventUnstructured;

/** One decoded event of an export chunk and the cursor after it (see {@link TeleportCalls}). */
public record ChunkItem(EventUnstructured event, String cursor) {}
