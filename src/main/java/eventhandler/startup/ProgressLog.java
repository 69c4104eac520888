package eventhandler.startup;

import eventhandler.logging.Counted;
import eventhandler.pipeline.ExportMetrics;
import eventhandler.sink.DeadLetterFile;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The once-a-minute progress line: events and sessions per minute, how far behind now the export
 * is, and while a backlog is being caught up, the rate and an estimate of the time left.
 */
final class ProgressLog {
  private static final Logger LOG = LoggerFactory.getLogger(ProgressLog.class);

  /** Behind by more than this counts as catching up on a backlog. */
  private static final Duration BACKLOG = Duration.ofMinutes(5);

  private final ExportMetrics metrics;
  private final DeadLetterFile deadLetters;
  private final IntSupplier batchesInFlight;
  private final Clock clock;
  private Instant lastAt;
  private long lastAudit;
  private long lastSessionEvents;
  private long lastSessions;
  private Instant lastNewest;
  private Duration lastLag;
  private int lagGrowthStreak;

  ProgressLog(ExportMetrics metrics, IntSupplier batchesInFlight, Clock clock) {
    this(metrics, batchesInFlight, clock, null);
  }

  /** With the dead-letter file whose lines of this run each progress line counts. */
  ProgressLog(
      ExportMetrics metrics, IntSupplier batchesInFlight, Clock clock, DeadLetterFile deadLetters) {
    this.deadLetters = deadLetters;
    this.metrics = metrics;
    this.batchesInFlight = batchesInFlight;
    this.clock = clock;
    this.lastAt = clock.instant();
  }

  void log() {
    Instant now = clock.instant();
    double minutes = Math.max(1e-3, Duration.between(lastAt, now).toMillis() / 60_000.0);
    long audit = metrics.auditExported();
    long sessionEvents = metrics.sessionEventsExported();
    long sessions = metrics.sessionsFinished();
    Instant newest = metrics.newestExportedEventTime();
    String behind =
        newest == null
            ? "no event exported yet"
            : "behind now by " + human(Duration.between(newest, now));
    LOG.info(
        "progress: {} audit events/min, {} session events/min, {} sessions/min; {} audit events"
            + " and {} session events exported in all; {}{}",
        Math.round((audit - lastAudit) / minutes),
        Math.round((sessionEvents - lastSessionEvents) / minutes),
        Math.round((sessions - lastSessions) / minutes),
        audit,
        sessionEvents,
        behind,
        deadLetterNote(deadLetters));
    if (!metrics.caughtUp()
        && newest != null
        && Duration.between(newest, now).compareTo(BACKLOG) > 0) {
      double perSecond = (audit - lastAudit) / (minutes * 60);
      LOG.info(
          "catching up: {} events/s, at {}, {}",
          Math.round(perSecond),
          newest,
          timeLeft(newest, now));
    }
    warnIfFallingBehind(newest, now);
    lastAt = now;
    lastAudit = audit;
    lastSessionEvents = sessionEvents;
    lastSessions = sessions;
    lastNewest = newest;
  }

  /**
   * How long until the export reaches now, from how fast its position in time advanced since the
   * last line: each second, it must cover more than one second of history to gain on now.
   */
  private String timeLeft(Instant newest, Instant now) {
    if (lastNewest == null) {
      return "time left: estimating";
    }
    double historyPerSecond =
        Duration.between(lastNewest, newest).toMillis()
            / (double) Math.max(1, Duration.between(lastAt, now).toMillis());
    if (historyPerSecond <= 1) {
      return "time left: unknown (not gaining on the backlog)";
    }
    long millisLeft = (long) (Duration.between(newest, now).toMillis() / (historyPerSecond - 1));
    return "about " + human(Duration.ofMillis(millisLeft)) + " left";
  }

  /**
   * Warns when the lag grew three minutes in a row while there was work to do: the export is not
   * keeping up. (With nothing to read and nothing waiting, a growing lag only means a quiet
   * cluster.)
   */
  private void warnIfFallingBehind(Instant newest, Instant now) {
    if (newest == null || (metrics.caughtUp() && batchesInFlight.getAsInt() == 0)) {
      lagGrowthStreak = 0;
      lastLag = null;
      return;
    }
    Duration lag = Duration.between(newest, now);
    if (lastLag != null && lag.compareTo(lastLag) > 0 && lag.compareTo(BACKLOG) > 0) {
      lagGrowthStreak++;
    } else {
      lagGrowthStreak = 0;
    }
    if (lagGrowthStreak >= 3) {
      LOG.warn(
          "the export is falling behind: it is {} behind now and the gap has grown for {} minutes"
              + " (check Fluentd's and Teleport's health, or raise --concurrency)",
          human(lag),
          lagGrowthStreak);
    }
    lastLag = lag;
  }

  /** {@code ; 3 dead letters this run in <file>}, or nothing while there are none. */
  static String deadLetterNote(DeadLetterFile deadLetters) {
    if (deadLetters == null || deadLetters.appended() == 0) {
      return "";
    }
    return "; "
        + Counted.of(deadLetters.appended(), "dead letter", "dead letters")
        + " this run in "
        + deadLetters.path();
  }

  static String human(Duration duration) {
    long seconds = Math.max(0, duration.toSeconds());
    if (seconds < 120) {
      return seconds + "s";
    }
    if (seconds < 7200) {
      return seconds / 60 + "m";
    }
    if (seconds < 172_800) {
      return seconds / 3600 + "h" + (seconds % 3600) / 60 + "m";
    }
    return seconds / 86_400 + "d" + (seconds % 86_400) / 3600 + "h";
  }
}
