package eventhandler.teleport;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.util.ArrayDeque;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A server-streaming call read as a blocking iterator, with gRPC flow control: at most {@link
 * #PREFETCH} messages are asked for ahead of the reader. Ends the call on every path: at the end of
 * the stream, on error, on {@link #close()}, and on interrupt.
 */
final class CallStream<R, T> implements EventStream<T> {
  /** Messages requested ahead of the reader: enough to hide latency, small enough for memory. */
  static final int PREFETCH = 64;

  /**
   * Consumed messages are asked for again in groups of this many, and a waiting reader is woken
   * when this many have arrived: each {@code request} wakes the transport thread and each wake-up
   * of the reader costs a futex call on both sides, which at one event per message cost more than
   * the message itself (the reader, faster than the transport, was woken every 3-4 messages).
   */
  static final int REQUEST_BATCH = PREFETCH / 2;

  /**
   * A reader waiting for a group takes what has arrived after this long, for a server that pauses
   * its stream (a slow events backend) with fewer messages sent than a group.
   */
  private static final long MAX_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private record Closed(Status status) {}

  private final ClientCall<?, R> call;
  private final Function<R, T> mapper;
  private final String operation;
  private final StatusTranslator translator;
  private final Consumer<CallStream<?, ?>> onFinished;
  private final ArrayDeque<Object> arrivals = new ArrayDeque<>();
  private final ReentrantLock arrivalsLock = new ReentrantLock();
  private final Condition arrived = arrivalsLock.newCondition();
  // Guarded by arrivalsLock: messages asked for and not yet arrived; whether the reader waits.
  private int credit = PREFETCH;
  private boolean readerWaiting;
  // The reader's own: what it took from arrivals in one go, so it locks once per group.
  private final ArrayDeque<Object> taken = new ArrayDeque<>();
  private final Object callLock = new Object();
  private R peeked;
  private int consumedSinceRequest;
  private boolean ended;
  private boolean finished;
  private volatile boolean closed;

  private CallStream(
      ClientCall<?, R> call,
      Function<R, T> mapper,
      String operation,
      StatusTranslator translator,
      Consumer<CallStream<?, ?>> onFinished) {
    this.call = call;
    this.mapper = mapper;
    this.operation = operation;
    this.translator = translator;
    this.onFinished = onFinished;
  }

  /**
   * Starts {@code method} with {@code request}. {@code onFinished} runs once when the call is over
   * (ended, failed or cancelled), so the owner can track open streams.
   */
  static <Q, R, T> CallStream<R, T> start(
      Channel channel,
      MethodDescriptor<Q, R> method,
      CallOptions options,
      Q request,
      Function<R, T> mapper,
      String operation,
      StatusTranslator translator,
      Consumer<CallStream<?, ?>> onFinished) {
    // The listener only queues what arrives, so it runs on the transport thread: a hand-over to an
    // executor thread for every message (one event each) cost more than parsing the message.
    ClientCall<Q, R> call = channel.newCall(method, options.withExecutor(Runnable::run));
    CallStream<R, T> stream = new CallStream<>(call, mapper, operation, translator, onFinished);
    synchronized (stream.callLock) {
      call.start(stream.new Listener(), new Metadata());
      call.sendMessage(request);
      call.halfClose();
      call.request(PREFETCH);
    }
    return stream;
  }

  private final class Listener extends ClientCall.Listener<R> {
    @Override
    public void onMessage(R message) {
      arrivalsLock.lock();
      try {
        arrivals.add(message);
        credit--;
        // With no credit left nothing more arrives until the reader asks: wake it now.
        if (readerWaiting && (arrivals.size() >= REQUEST_BATCH || credit <= 0)) {
          arrived.signal();
        }
      } finally {
        arrivalsLock.unlock();
      }
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      arrivalsLock.lock();
      try {
        arrivals.add(new Closed(status));
        arrived.signal();
      } finally {
        arrivalsLock.unlock();
      }
      finished();
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public boolean hasNext() {
    if (closed) {
      throw new TeleportException(
          TeleportException.Kind.CANCELLED,
          operation + ": the stream was closed",
          false,
          null,
          null);
    }
    if (peeked != null) {
      return true;
    }
    if (ended) {
      return false;
    }
    Object arrival;
    try {
      arrival = nextArrival();
    } catch (InterruptedException e) {
      close();
      Thread.currentThread().interrupt();
      throw new TeleportException(
          TeleportException.Kind.CANCELLED, operation + " was interrupted", false, null, e);
    }
    if (arrival instanceof Closed closed) {
      ended = true;
      if (closed.status().isOk()) {
        return false;
      }
      throw translator.translate(operation, closed.status());
    }
    peeked = (R) arrival;
    return true;
  }

  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException(operation + ": the stream has ended");
    }
    R message = peeked;
    peeked = null;
    if (++consumedSinceRequest == REQUEST_BATCH) {
      consumedSinceRequest = 0;
      arrivalsLock.lock();
      try {
        credit += REQUEST_BATCH;
      } finally {
        arrivalsLock.unlock();
      }
      synchronized (callLock) {
        call.request(REQUEST_BATCH);
      }
    }
    return mapper.apply(message);
  }

  private Object nextArrival() throws InterruptedException {
    if (!taken.isEmpty()) {
      return taken.poll();
    }
    arrivalsLock.lock();
    try {
      while (arrivals.isEmpty()) {
        readerWaiting = true;
        try {
          arrived.awaitNanos(MAX_WAIT_NANOS);
        } finally {
          readerWaiting = false;
        }
      }
      taken.addAll(arrivals);
      arrivals.clear();
    } finally {
      arrivalsLock.unlock();
    }
    return taken.poll();
  }

  /** Cancels the call unless it is already over; safe to call more than once, from any thread. */
  @Override
  public void close() {
    closed = true;
    synchronized (callLock) {
      if (!finished) {
        call.cancel(operation + ": closed by the reader", null);
      }
    }
  }

  /** Whether the call is over (ended, failed or cancelled). */
  boolean isFinished() {
    synchronized (callLock) {
      return finished;
    }
  }

  private void finished() {
    synchronized (callLock) {
      if (finished) {
        return;
      }
      finished = true;
    }
    onFinished.accept(this);
  }
}
