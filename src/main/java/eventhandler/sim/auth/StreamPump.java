package eventhandler.sim.auth;

import eventhandler.sim.data.Faults;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.time.Duration;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a server stream with flow control: messages are produced only while the transport is ready,
 * so a slow client slows the server instead of filling its memory. Counts itself in a {@link
 * StreamCounter} from start until completion, error or cancellation, and applies a planned {@link
 * Faults.Cut}.
 */
final class StreamPump<T> {
  private static final Logger log = LoggerFactory.getLogger(StreamPump.class);

  /**
   * The per-message latency is paid in pauses of at least this much, so a stream does not need a
   * timer per message.
   */
  private static final long PAUSE_NANOS = 5_000_000;

  /** Lets more bytes queue before "not ready", so fewer hand-offs between threads. */
  private static final int READY_THRESHOLD = 256 * 1024;

  private final ServerCallStreamObserver<T> observer;
  private final Iterator<T> source;
  private final Optional<Faults.Cut> cut;
  private final BooleanSupplier closeConnection;
  private final StreamCounter streams;
  private final long perMessageNanos;
  private final ScheduledExecutorService scheduler;
  private final Executor executor;
  private long owedNanos;
  private boolean paused;
  private boolean started;
  private boolean stopped;
  private boolean counted = true;
  private long sent;

  private StreamPump(
      ServerCallStreamObserver<T> observer,
      Iterator<T> source,
      Optional<Faults.Cut> cut,
      BooleanSupplier closeConnection,
      StreamCounter streams,
      long perMessageNanos,
      ScheduledExecutorService scheduler,
      Executor executor) {
    this.observer = observer;
    this.source = source;
    this.cut = cut;
    this.closeConnection = closeConnection;
    this.streams = streams;
    this.perMessageNanos = perMessageNanos;
    this.scheduler = scheduler;
    this.executor = executor;
  }

  /**
   * Starts streaming {@code source}; must be called from inside the service method, which may
   * return at once. {@code delay} holds back the first message; every message then costs {@code
   * perMessage} more (paid in pauses, without holding a thread).
   */
  static <T> void start(
      ServerCallStreamObserver<T> observer,
      Iterator<T> source,
      Optional<Faults.Cut> cut,
      BooleanSupplier closeConnection,
      StreamCounter streams,
      Duration delay,
      Duration perMessage,
      ScheduledExecutorService scheduler,
      Executor executor) {
    StreamPump<T> pump =
        new StreamPump<>(
            observer,
            source,
            cut,
            closeConnection,
            streams,
            perMessage.toNanos(),
            scheduler,
            executor);
    streams.opened();
    observer.setOnReadyThreshold(READY_THRESHOLD);
    observer.setOnCancelHandler(pump::cancelled);
    observer.setOnReadyHandler(pump::drain);
    if (delay.isZero()) {
      pump.begin();
    } else {
      scheduler.schedule(
          () -> executor.execute(pump::begin), delay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private synchronized void begin() {
    started = true;
    drain();
  }

  private synchronized void resume() {
    paused = false;
    drain();
  }

  /** Pauses for the latency owed so far; true if paused. */
  private boolean payOwed(long atLeastNanos) {
    if (owedNanos < atLeastNanos || owedNanos == 0) {
      return false;
    }
    long wait = owedNanos;
    owedNanos = 0;
    paused = true;
    scheduler.schedule(() -> executor.execute(this::resume), wait, TimeUnit.NANOSECONDS);
    return true;
  }

  private synchronized void cancelled() {
    stopped = true;
    uncount();
  }

  private synchronized void drain() {
    if (!started || stopped || paused) {
      return;
    }
    try {
      while (observer.isReady()) {
        if (cut.isPresent() && sent == cut.get().afterMessages()) {
          applyCut(cut.get());
          return;
        }
        if (payOwed(PAUSE_NANOS)) {
          return;
        }
        if (!source.hasNext()) {
          if (payOwed(1)) {
            return;
          }
          stopped = true;
          observer.onCompleted();
          uncount();
          return;
        }
        observer.onNext(source.next());
        sent++;
        owedNanos += perMessageNanos;
        streams.sent();
      }
    } catch (Failure e) {
      stopped = true;
      observer.onError(e.status.asRuntimeException());
      uncount();
    } catch (RuntimeException e) {
      if (stopped || observer.isCancelled()) {
        stopped = true;
        uncount();
        return;
      }
      log.warn("simulated stream failed", e);
      stopped = true;
      observer.onError(Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
      uncount();
    }
  }

  /** Thrown by a source to end the stream with {@code status}, as a planned fault. */
  static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Status status;

    Failure(Status status) {
      super(status.getDescription(), null, false, false);
      this.status = status;
    }
  }

  private void applyCut(Faults.Cut planned) {
    stopped = true;
    if (planned.how() == Faults.StreamCut.UNAVAILABLE) {
      observer.onError(
          Status.UNAVAILABLE
              .withDescription("simulated stream cut after " + sent + " messages")
              .asRuntimeException());
      uncount();
    } else {
      // The error goes out first so the client always learns of the cut, whichever of the two
      // (the status or the dropped transport) it notices first.
      observer.onError(
          Status.UNAVAILABLE.withDescription("simulated connection loss").asRuntimeException());
      uncount();
      closeConnection.getAsBoolean();
    }
  }

  private void uncount() {
    if (counted) {
      counted = false;
      streams.closed();
    }
  }
}
