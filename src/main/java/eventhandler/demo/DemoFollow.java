package eventhandler.demo;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code demo --duration}: the cluster produces new events every second; once the backlog is
 * delivered the export follows them for the given time, then the cluster stops producing, the last
 * events are awaited (a minute at most), and {@code start} is stopped as with SIGTERM.
 */
public final class DemoFollow implements Runnable {
  private static final int EVENTS_PER_SECOND = 50;
  private static final Duration DRAIN_LIMIT = Duration.ofMinutes(1);

  private enum Phase {
    BACKLOG,
    FOLLOW,
    DRAIN,
    DONE
  }

  private final LocalStack stack;
  private final InProcessStart start;
  private final Duration follow;
  private ScheduledFuture<?> producer;
  private Phase phase = Phase.BACKLOG;
  private long phaseStarted;

  public DemoFollow(LocalStack stack, InProcessStart start, Duration follow) {
    this.stack = stack;
    this.start = start;
    this.follow = follow;
  }

  public void start(ScheduledExecutorService timer) {
    producer =
        timer.scheduleAtFixedRate(
            () -> stack.cluster().appendLiveEvents(EVENTS_PER_SECOND), 1, 1, TimeUnit.SECONDS);
    timer.scheduleAtFixedRate(this, 100, 100, TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void run() {
    long now = System.nanoTime();
    switch (phase) {
      case BACKLOG -> {
        if (stack.receiver().received(LocalStack.auditTag()) >= stack.cluster().auditEventCount()) {
          next(Phase.FOLLOW, now);
        }
      }
      case FOLLOW -> {
        if (now - phaseStarted >= follow.toNanos()) {
          producer.cancel(false);
          next(Phase.DRAIN, now);
        }
      }
      case DRAIN -> {
        if (DemoTally.of(stack).complete() || now - phaseStarted >= DRAIN_LIMIT.toNanos()) {
          if (start.stop()) {
            next(Phase.DONE, now);
          }
        }
      }
      case DONE -> {}
    }
  }

  private void next(Phase phase, long now) {
    this.phase = phase;
    this.phaseStarted = now;
  }
}
