package eventhandler.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class StallCheckTest {
  private static final Instant NOW = Instant.parse("2024-03-10T12:00:00Z");
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final SearchPagerTest.ListSearch teleport = new SearchPagerTest.ListSearch();

  private StallCheck check() {
    return new StallCheck(
        teleport, registry, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(5), List.of());
  }

  private double suspected() {
    return registry.get("eventhandler.stall.suspected").counter().count();
  }

  @Test
  void nothingNewerThanTheNewestEventPagingReadIsNoStall() {
    teleport.add("a", NOW.minusSeconds(300));
    teleport.add("b", NOW.minusSeconds(200));

    check().caughtUp("b", NOW.minusSeconds(200));

    assertThat(suspected()).isZero();
  }

  @Test
  void anEventNewerThanTheNewestReadIsASuspectedStall() {
    teleport.add("a", NOW.minusSeconds(300));
    teleport.add("b", NOW.minusSeconds(200));

    check().caughtUp("a", NOW.minusSeconds(300));

    assertThat(suspected()).isEqualTo(1);
  }

  @Test
  void withNothingReadYetThereIsNothingToCompare() {
    teleport.add("a", NOW.minusSeconds(300));

    check().caughtUp("", null);

    assertThat(suspected()).isZero();
    assertThat(teleport.calls).isZero();
  }
}
