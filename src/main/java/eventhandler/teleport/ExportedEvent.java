package eventhandler.teleport;

/**
 * An event from a bulk-export chunk, its body possibly still encoded, and the cursor that resumes
 * the chunk after it.
 */
public record ExportedEvent(TeleportEvent event, String cursor) {}
