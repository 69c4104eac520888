package eventhandler.pipeline.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AckTrackerTest {
  @Test
  void committedPositionOnlyCoversTheContiguousAcknowledgedPrefix() {
    AckTracker<String> tracker = new AckTracker<>("start");
    var first = tracker.register("a");
    var second = tracker.register("b");
    var third = tracker.register("c");

    tracker.acknowledge(third);
    tracker.acknowledge(second);
    assertThat(tracker.committed()).isEqualTo("start");

    tracker.acknowledge(first);
    assertThat(tracker.committed()).isEqualTo("c");
    assertThat(tracker.pendingCount()).isZero();
  }

  @Test
  void awaitReturnsFalseWhileSomethingIsPending() throws InterruptedException {
    AckTracker<Integer> tracker = new AckTracker<>(0);
    var ticket = tracker.register(1);
    assertThat(tracker.awaitAllAcknowledged(Duration.ofMillis(20))).isFalse();
    tracker.acknowledge(ticket);
    assertThat(tracker.awaitAllAcknowledged(Duration.ofMillis(20))).isTrue();
  }
}
