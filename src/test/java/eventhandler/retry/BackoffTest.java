package eventhandler.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final long MS = 1_000_000L;

  private final Backoff lowest =
      new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), b -> 0);
  private final Backoff highest =
      new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), b -> b - 1);

  @Test
  void doublesFromTheFirstDelayUpToTheCapWithHalfJitter() {
    assertThat(lowest.delayNanos(1)).isEqualTo(50 * MS);
    assertThat(highest.delayNanos(1)).isEqualTo(100 * MS);
    assertThat(lowest.delayNanos(2)).isEqualTo(100 * MS);
    assertThat(highest.delayNanos(2)).isEqualTo(200 * MS);
    assertThat(highest.delayNanos(7)).isEqualTo(6400 * MS);
    assertThat(highest.delayNanos(8)).isEqualTo(10_000 * MS);
    assertThat(lowest.delayNanos(8)).isEqualTo(5_000 * MS);
    assertThat(highest.delayNanos(1_000_000)).isEqualTo(10_000 * MS);
    assertThat(highest.delay(3)).isEqualTo(Duration.ofMillis(400));
  }

  @Test
  void randomDelaysStayBetweenHalfAndAllOfTheStep() {
    Backoff backoff =
        new Backoff(
            Duration.ofSeconds(1), Duration.ofSeconds(90), new SplittableRandom(7)::nextLong);
    for (int failures = 1; failures <= 10; failures++) {
      long step = Math.min(1000L << (failures - 1), 90_000L) * MS;
      for (int i = 0; i < 50; i++) {
        assertThat(backoff.delayNanos(failures)).isBetween(step / 2, step);
      }
    }
  }

  @Test
  void retryDelaysGrowWithEachFailureAndStartAgainAfterAReset() {
    RetryDelays delays = highest.delays();
    assertThat(delays.next()).isEqualTo(Duration.ofMillis(100));
    assertThat(delays.next()).isEqualTo(Duration.ofMillis(200));
    assertThat(delays.next()).isEqualTo(Duration.ofMillis(400));
    for (int i = 0; i < 10; i++) {
      delays.next();
    }
    assertThat(delays.next()).isEqualTo(Duration.ofSeconds(10));

    delays.reset();
    assertThat(delays.next()).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void eachRetryLoopCountsItsOwnFailures() {
    RetryDelays first = highest.delays();
    first.next();
    first.next();
    assertThat(highest.delays().next()).isEqualTo(Duration.ofMillis(100));
    assertThat(first.next()).isEqualTo(Duration.ofMillis(400));
  }
}
