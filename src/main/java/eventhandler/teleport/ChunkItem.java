package eventhandler.teleport;

import eventhandler.teleport.proto.auditlog.EventUnstructured;

/** An event from a bulk-export chunk and the cursor that resumes the chunk after it. */
public record ChunkItem(EventUnstructured event, String cursor) {}
