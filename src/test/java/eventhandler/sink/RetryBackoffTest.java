package eventhandler.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryBackoffTest {
  private static final long MS = 1_000_000L;

  @Test
  void doublesFromTheMinimumUpToTheCapWithHalfJitter() {
    RetryBackoff lowest = new RetryBackoff(Duration.ofMillis(100), Duration.ofSeconds(10), b -> 0);
    RetryBackoff highest =
        new RetryBackoff(Duration.ofMillis(100), Duration.ofSeconds(10), b -> b - 1);
    assertThat(lowest.delayNanos(1)).isEqualTo(50 * MS);
    assertThat(highest.delayNanos(1)).isEqualTo(100 * MS);
    assertThat(lowest.delayNanos(2)).isEqualTo(100 * MS);
    assertThat(highest.delayNanos(2)).isEqualTo(200 * MS);
    assertThat(highest.delayNanos(7)).isEqualTo(6400 * MS);
    assertThat(highest.delayNanos(8)).isEqualTo(10_000 * MS);
    assertThat(lowest.delayNanos(8)).isEqualTo(5_000 * MS);
    assertThat(highest.delayNanos(1_000_000)).isEqualTo(10_000 * MS);
  }
}
