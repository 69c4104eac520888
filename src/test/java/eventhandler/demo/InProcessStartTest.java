package eventhandler.demo;

import static org.assertj.core.api.Assertions.assertThat;

import eventhandler.startup.Launcher;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The parts that need no running export; demo and bench tests run it end to end. */
class InProcessStartTest {
  private final InProcessStart start =
      new InProcessStart(
          "test-timer", Launcher.Options.defaults(), new PrintWriter(new StringWriter()));

  @Test
  void beforeTheExportBeganThereIsNoJobAndNothingToStop() {
    try (start) {
      assertThat(start.job()).isEmpty();
      assertThat(start.stop()).isFalse();
    }
  }

  @Test
  void theTimerRunsOnANamedDaemonThreadUntilClosed() throws Exception {
    Thread timerThread = start.timer().submit(Thread::currentThread).get(10, TimeUnit.SECONDS);
    assertThat(timerThread.getName()).isEqualTo("test-timer");
    assertThat(timerThread.isDaemon()).isTrue();

    start.close();

    assertThat(start.timer().isShutdown()).isTrue();
  }
}
