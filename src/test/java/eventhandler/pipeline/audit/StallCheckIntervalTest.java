package eventhandler.pipeline.audit;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.google.protobuf.Timestamp;
import eventhandler.pipeline.UnsupportedTeleportClient;
import eventhandler.teleport.EventPage;
import eventhandler.teleport.TeleportException;
import eventhandler.teleport.proto.auditlog.EventUnstructured;
import eventhandler.testing.CapturedLogs;
import eventhandler.testing.TestClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The check for the Go plugin's silent stall: paging says "nothing new" but Teleport has more. */
class StallCheckIntervalTest {
  private static final Instant NOW = Instant.parse("2026-01-10T00:00:00Z");
  private static final Instant NEWEST_READ = NOW.minus(Duration.ofHours(2));
  private static final Duration EVERY = Duration.ofMinutes(5);

  private final TestClock clock = new TestClock(NOW);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<Instant> searchedFrom = new ArrayList<>();
  private final List<EventUnstructured> newer = new ArrayList<>();
  private final StallCheck check =
      new StallCheck(
          new UnsupportedTeleportClient() {
            @Override
            public EventPage searchEvents(
                Instant from, Instant to, List<String> types, int limit, String startKey) {
              searchedFrom.add(from);
              return Pages.decoded(newer, "");
            }
          },
          registry,
          clock,
          EVERY,
          List.of());
  private final CapturedLogs logs = CapturedLogs.of(StallCheck.class.getName());

  @AfterEach
  void releaseLogs() {
    logs.close();
  }

  @Test
  void warnsAndCountsWhenTeleportHoldsANewerEvent() {
    newer.add(event("e-2", "user.login", NOW.minusSeconds(60)));
    check.caughtUp("e-1", NEWEST_READ);

    assertThat(searchedFrom).containsExactly(NEWEST_READ.plusMillis(1));
    assertThat(warnings())
        .singleElement()
        .asString()
        .startsWith(
            "possible stall: Teleport holds a user.login event at 2026-01-09T23:59:00Z, newer"
                + " than the newest event read (2026-01-09T22:00:00Z), but paging reports"
                + " nothing new.");
    assertThat(registry.get("eventhandler.stall.suspected").counter().count()).isEqualTo(1);
  }

  @Test
  void checksAtMostOncePerInterval() {
    check.caughtUp("e-1", NEWEST_READ);
    clock.advance(EVERY.minusSeconds(1));
    check.caughtUp("e-1", NEWEST_READ);
    assertThat(searchedFrom).hasSize(1);
    clock.advance(Duration.ofSeconds(1));
    check.caughtUp("e-1", NEWEST_READ);
    assertThat(searchedFrom).hasSize(2);
    assertThat(warnings()).isEmpty();
  }

  @Test
  void theLastEventReadItselfIsNotAStall() {
    newer.add(event("e-1", "user.login", NEWEST_READ.plusNanos(500_000)));
    check.caughtUp("e-1", NEWEST_READ);
    assertThat(warnings()).isEmpty();
    assertThat(registry.get("eventhandler.stall.suspected").counter().count()).isZero();
  }

  @Test
  void aFailingCheckIsQuiet() {
    StallCheck failing =
        new StallCheck(
            new UnsupportedTeleportClient() {
              @Override
              public EventPage searchEvents(
                  Instant from, Instant to, List<String> types, int limit, String startKey) {
                throw new TeleportException(TeleportException.Kind.CONNECTION, "unreachable");
              }
            },
            new SimpleMeterRegistry(),
            clock,
            EVERY,
            List.of());
    failing.caughtUp("e-1", NEWEST_READ);
    assertThat(warnings()).isEmpty();
  }

  private List<String> warnings() {
    return logs.messagesAt(Level.WARN);
  }

  private static EventUnstructured event(String id, String type, Instant time) {
    return EventUnstructured.newBuilder()
        .setId(id)
        .setType(type)
        .setTime(Timestamp.newBuilder().setSeconds(time.getEpochSecond()).setNanos(time.getNano()))
        .build();
  }
}
