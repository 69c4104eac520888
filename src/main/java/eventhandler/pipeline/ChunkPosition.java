package eventhandler.pipeline;

/** Where the export of one bulk-export chunk resumes: the cursor after the last delivered item. */
record ChunkPosition(String cursor) {}
