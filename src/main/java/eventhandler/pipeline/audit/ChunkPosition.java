package eventhandler.pipeline.audit;

/** Where the export of one bulk-export chunk resumes: the cursor after the last delivered item. */
public record ChunkPosition(String cursor) {}
