package eventhandler.pipeline.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import eventhandler.testing.CapturedLogs;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The beat that saves each flow's position, the last save of a flow, and failing saves. */
class CheckpointerTest {
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  /** A flow that counts its saves, and can be made to fail. */
  private static final class Flow implements Checkpointer.Checkpointable {
    final AtomicInteger saves = new AtomicInteger();
    volatile boolean failing;

    @Override
    public void checkpoint() throws IOException {
      saves.incrementAndGet();
      if (failing) {
        throw new IOException("No space left on device");
      }
    }
  }

  @Test
  void everyTrackedFlowIsSavedOnTheBeatUntilClosedAndOnceMoreAtClose() {
    Checkpointer checkpointer =
        new Checkpointer(scheduler, Duration.ofMillis(20), Clock.systemUTC());
    Flow audit = new Flow();
    Flow session = new Flow();
    checkpointer.add(audit);
    checkpointer.add(session);
    assertThat(audit.saves).hasValue(0); // nothing before start

    checkpointer.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> audit.saves.get() >= 3);
    await().atMost(Duration.ofSeconds(5)).until(() -> session.saves.get() >= 3);

    checkpointer.close();
    int afterClose = audit.saves.get();
    assertThat(afterClose).isGreaterThanOrEqualTo(4);
    // The beat has stopped: no more saves after close.
    await().during(Duration.ofMillis(150)).atMost(Duration.ofSeconds(1)).until(() -> true);
    assertThat(audit.saves).hasValue(afterClose);
  }

  @Test
  void aRemovedFlowIsSavedOnceMoreThenNoLonger() {
    Checkpointer checkpointer = new Checkpointer(scheduler, Duration.ofHours(1), Clock.systemUTC());
    Flow chunk = new Flow();
    checkpointer.add(chunk);

    checkpointer.remove(chunk);
    assertThat(chunk.saves).as("its last position is saved at once").hasValue(1);

    checkpointer.saveAll();
    checkpointer.close();
    assertThat(chunk.saves).as("not tracked any more").hasValue(1);
  }

  @Test
  void aFailingSaveIsWarnedOnceInAWhileAndTheOthersStillSave() {
    Checkpointer checkpointer = new Checkpointer(scheduler, Duration.ofHours(1), Clock.systemUTC());
    Flow broken = new Flow();
    broken.failing = true;
    Flow healthy = new Flow();
    checkpointer.add(broken);
    checkpointer.add(healthy);
    try (CapturedLogs logs = CapturedLogs.of(Checkpointer.class.getName())) {
      for (int i = 0; i < 5; i++) {
        checkpointer.saveAll();
      }

      assertThat(healthy.saves).hasValue(5);
      assertThat(broken.saves).as("tried again each time").hasValue(5);
      assertThat(logs.messages(Level.WARN))
          .hasSize(1)
          .first()
          .asString()
          .contains("could not save the export position (will retry): No space left on device");
    }
  }
}
