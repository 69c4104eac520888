package eventhandler.sink;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sends whose events are held (see {@link RefusalJudge}): one ERROR line when holding starts, a
 * reminder at most every {@link #REMINDER} while it lasts, one line when Fluentd accepts again; the
 * gauge {@code eventhandler.fluentd.held} and the state {@code /readyz} reports.
 */
final class Holds {
  private static final Logger log = LoggerFactory.getLogger(FluentdSink.class);
  static final Duration REMINDER = Duration.ofMinutes(1);

  private final Clock clock;
  private final Map<Object, SinkHealth.Held> held = new ConcurrentHashMap<>();
  private Instant lastLine;
  private Instant episodeStart;

  Holds(MeterRegistry registry, Clock clock) {
    this.clock = clock;
    Gauge.builder("eventhandler.fluentd.held", this, Holds::events)
        .description(
            "Events kept back and retried because Fluentd refuses them for a reason not proven"
                + " to be theirs (nothing is dead-lettered meanwhile)")
        .register(registry);
  }

  /** {@code send} holds {@code events} after Fluentd answered {@code status} and {@code body}. */
  void hold(Object send, String url, int status, String body, boolean overLimit, long events) {
    Instant now = clock.instant();
    SinkHealth.Held previous = held.get(send);
    SinkHealth.Held state =
        new SinkHealth.Held(
            url,
            status,
            answer(body),
            overLimit,
            previous == null ? now : previous.since(),
            events);
    boolean first;
    boolean remind;
    synchronized (this) {
      first = held.isEmpty();
      held.put(send, state);
      if (first) {
        episodeStart = now;
      }
      remind = !first && Duration.between(lastLine, now).compareTo(REMINDER) >= 0;
      if (first || remind) {
        lastLine = now;
      }
    }
    if (first) {
      log.error("{}", explain(state, "Fluentd refuses"));
    } else if (remind) {
      SinkHealth.Held oldest = oldest();
      log.warn(
          "{} (held for {} s)",
          explain(oldest == null ? state : oldest, "Still: Fluentd refuses"),
          Duration.between(episodeStart, now).toSeconds());
    }
  }

  /** {@code send} is no longer held (Fluentd accepted, or it ended). */
  void release(Object send) {
    if (held.remove(send) == null) {
      return;
    }
    Instant started;
    synchronized (this) {
      if (!held.isEmpty() || episodeStart == null) {
        return;
      }
      started = episodeStart;
      episodeStart = null;
    }
    log.info(
        "Fluentd accepts the held events again after {} s; delivery goes on",
        Duration.between(started, clock.instant()).toSeconds());
  }

  /** The longest-held send's state with the total of held events; null while none is held. */
  SinkHealth.Held snapshot() {
    SinkHealth.Held oldest = oldest();
    if (oldest == null) {
      return null;
    }
    return new SinkHealth.Held(
        oldest.url(),
        oldest.status(),
        oldest.answer(),
        oldest.overLimit(),
        oldest.since(),
        events());
  }

  private SinkHealth.Held oldest() {
    return held.values().stream().min(Comparator.comparing(SinkHealth.Held::since)).orElse(null);
  }

  private long events() {
    return held.values().stream().mapToLong(SinkHealth.Held::events).sum();
  }

  private String explain(SinkHealth.Held state, String start) {
    String what =
        start
            + " events sent to "
            + state.url()
            + " with "
            + state.describe()
            + "; "
            + events()
            + " events are held, not dead-lettered, and sent again until it accepts them";
    if (state.overLimit()) {
      return what
          + " (the dead-letter limit, --fluentd-dead-letter-limit, is reached: more refusals"
          + " than that in 10 minutes are not about single events). Check Fluentd's log and"
          + " configuration, or raise the limit";
    }
    return what
        + ". Fluentd accepted nothing since, so the refusal is about Fluentd, not these events:"
        + " check the tag in the URL, the <parse> section and its time_format in fluent.conf,"
        + " and filters that reject records; delivery goes on by itself once Fluentd accepts";
  }

  /** The first line of Fluentd's answer, with its explanation when that is the next line. */
  static String answer(String body) {
    String[] lines = body == null ? new String[0] : body.strip().split("\n", 3);
    if (lines.length == 0 || lines[0].isBlank()) {
      return "";
    }
    String first = lines[0].strip();
    String text = lines.length > 1 ? first + ": " + FluentdVerdict.gist(body) : first;
    return text.length() > 160 ? text.substring(0, 160) + "..." : text;
  }
}
