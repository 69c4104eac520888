package eventhandler.config;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What to export and how to pace reading from Teleport.
 *
 * @param storage state directory ({@code --storage}); may not exist yet
 * @param batch events per request to Teleport ({@code --batch}), 1..10000
 * @param types event types to export, empty for all ({@code --types}; filtered by Teleport)
 * @param skipEventTypes event types not to export ({@code --skip-event-types})
 * @param skipSessionTypes session recording event types not to export ({@code
 *     --skip-session-types}, default {@code print})
 * @param startTime where the first run starts, whole seconds ({@code --start-time}); empty means
 *     now
 * @param pollInterval wait between polls once caught up ({@code --timeout}), positive
 * @param dryRun read without sending or locking ({@code --dry-run})
 * @param exitOnLastEvent stop once caught up instead of polling ({@code --exit-on-last-event})
 * @param concurrency session recordings exported in parallel ({@code --concurrency}), 1..1000
 * @param windowSize time span of one search request ({@code --window-size}), positive
 * @param readConcurrency chunks or windows read at once ({@code --audit-read-concurrency})
 * @param bulkPollInterval caught up, the wait between chunk listings ({@code --bulk-poll-interval})
 */
public record ExportSettings(
    Path storage,
    int batch,
    List<String> types,
    List<String> skipEventTypes,
    List<String> skipSessionTypes,
    Optional<Instant> startTime,
    Duration pollInterval,
    boolean dryRun,
    boolean exitOnLastEvent,
    int concurrency,
    Duration windowSize,
    int readConcurrency,
    Duration bulkPollInterval) {
  public ExportSettings {
    Objects.requireNonNull(storage, "storage");
    types = List.copyOf(types);
    skipEventTypes = List.copyOf(skipEventTypes);
    skipSessionTypes = List.copyOf(skipSessionTypes);
    Objects.requireNonNull(startTime, "startTime");
    Objects.requireNonNull(pollInterval, "pollInterval");
    Objects.requireNonNull(windowSize, "windowSize");
  }
}
