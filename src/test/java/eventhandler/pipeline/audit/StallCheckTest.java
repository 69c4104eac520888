package eventhandler.pipeline.audit;

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
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final SearchPagerTest.ListSearch client = new SearchPagerTest.ListSearch();

  private StallCheck stallCheck() {
    return new StallCheck(client, registry, clock, Duration.ofMinutes(5), List.of());
  }

  private double suspected() {
    return registry.get("eventhandler.stall.suspected").counter().count();
  }

  @Test
  void judgesByTheNewestEventPagingReadNotTheNewestOneDelivered() {
    for (int i = 0; i < 10; i++) {
      client.add("e" + i, NOW.minus(Duration.ofMinutes(10 - i)));
    }
    // Paging read up to e9 while delivery, a few pages behind, has only reached e5.
    stallCheck().caughtUp("e9", NOW.minus(Duration.ofMinutes(1)));
    assertThat(suspected()).isZero();
  }

  @Test
  void warnsWhenTeleportHoldsAnEventNewerThanTheNewestRead() {
    for (int i = 0; i < 10; i++) {
      client.add("e" + i, NOW.minus(Duration.ofMinutes(10 - i)));
    }
    stallCheck().caughtUp("e5", NOW.minus(Duration.ofMinutes(5)));
    assertThat(suspected()).isEqualTo(1);
  }
}
