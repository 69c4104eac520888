package eventhandler.pipeline.delivery;

import eventhandler.sink.EventSink;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One ordered stream of events bound for one Fluentd URL. Groups events into batches (by count and
 * bytes), keeps a bounded number of batches in flight, and tracks which read positions are safely
 * delivered. Positions of events that are read but not sent (filtered out) advance with the others,
 * in order.
 *
 * <p>Not thread-safe for writers: one thread adds events; completions arrive on sink threads.
 *
 * @param <P> the resume position of an event (a page cursor, a chunk cursor, a session index)
 */
public final class DeliveryLane<P> {
  /**
   * The first batch goes out once it has waited this long, full or not: at start the code is cold
   * and reading a whole batch takes a good part of a second, while the Fluentd connection could
   * already be opening. Later batches fill in milliseconds, so this never cuts them short.
   */
  static final long FIRST_BATCH_LINGER_NANOS = 50_000_000;

  private final EventSink sink;
  private final LongSupplier nanoTime;
  private boolean sentAny;
  private long firstBatchStarted = -1;
  private final URI url;
  private final int batchSize;
  private final int batchBytes;
  private final Semaphore inFlight;
  private final AckTracker<P> acks;
  private final Consumer<DeliveredBatch> onDelivered;
  private final InFlightBatches inFlightBatches;

  private List<byte[]> open = new ArrayList<>();
  private int openBytes;
  private P openPosition;
  private boolean hasOpenPosition;
  private Instant openNewest;

  /**
   * One lane to {@code url}: events are batched by count and bytes, up to {@code
   * maxBatchesInFlight} batches are sent at once, and {@code onDelivered} hears of each delivered
   * batch; positions start at {@code initialPosition}.
   */
  public DeliveryLane(
      EventSink sink,
      URI url,
      int batchSize,
      int batchBytes,
      int maxBatchesInFlight,
      P initialPosition,
      Consumer<DeliveredBatch> onDelivered,
      InFlightBatches inFlightBatches) {
    this(
        sink,
        url,
        batchSize,
        batchBytes,
        maxBatchesInFlight,
        initialPosition,
        onDelivered,
        inFlightBatches,
        System::nanoTime);
  }

  /** With the time source for the first batch's linger ({@link System#nanoTime}). */
  DeliveryLane(
      EventSink sink,
      URI url,
      int batchSize,
      int batchBytes,
      int maxBatchesInFlight,
      P initialPosition,
      Consumer<DeliveredBatch> onDelivered,
      InFlightBatches inFlightBatches,
      LongSupplier nanoTime) {
    this.sink = sink;
    this.nanoTime = nanoTime;
    this.url = url;
    this.batchSize = batchSize;
    this.batchBytes = batchBytes;
    this.inFlight = new Semaphore(maxBatchesInFlight);
    this.acks = new AckTracker<>(initialPosition);
    this.onDelivered = onDelivered;
    this.inFlightBatches = inFlightBatches;
  }

  URI url() {
    return url;
  }

  /** Queues one event; sends a batch when it is full (may block while too many are in flight). */
  public void add(byte[] json, P position) throws InterruptedException {
    add(json, position, null);
  }

  /**
   * Like {@link #add(byte[], Object)}, with the event's time, so that the delivery report tells how
   * recent the newest delivered event is (the export lag).
   */
  public void add(byte[] json, P position, Instant eventTime) throws InterruptedException {
    if (!open.isEmpty() && bodyBytesWith(json) > batchBytes) {
      try {
        flush();
      } catch (InterruptedException e) {
        append(json, position, eventTime); // kept for flushOnStop: it was handled, it must go out
        throw e;
      }
    }
    append(json, position, eventTime);
    if (open.size() >= batchSize || firstBatchWaitedEnough()) {
      flush();
    }
  }

  /**
   * The request body if {@code json} joined the open batch: a JSON array, {@code [a,b,c]}, so each
   * event adds its length plus one (a comma or the opening bracket) and the closing bracket one
   * more. The lane alone owns the limits; the sink sends each batch as one request.
   */
  private long bodyBytesWith(byte[] json) {
    return (long) openBytes + json.length + 2;
  }

  private boolean firstBatchWaitedEnough() {
    if (sentAny) {
      return false;
    }
    long now = nanoTime.getAsLong();
    if (firstBatchStarted < 0) {
      firstBatchStarted = now;
      return false;
    }
    return now - firstBatchStarted >= FIRST_BATCH_LINGER_NANOS;
  }

  private void append(byte[] json, P position, Instant eventTime) {
    open.add(json);
    if (eventTime != null && (openNewest == null || eventTime.isAfter(openNewest))) {
      openNewest = eventTime;
    }
    openBytes += json.length + 1;
    openPosition = position;
    hasOpenPosition = true;
  }

  /** Records that the event at {@code position} was read and deliberately not sent. */
  public void skip(P position) {
    openPosition = position;
    hasOpenPosition = true;
  }

  /**
   * Sends what is queued, even if the batch is not full. Waits for a free slot first; interrupted
   * meanwhile, the batch stays queued (see {@link #flushOnStop()}).
   */
  public void flush() throws InterruptedException {
    if (!hasBatchToSend()) {
      return;
    }
    sentAny = true;
    inFlight.acquire();
    send(true);
  }

  /**
   * Sends what is queued without waiting for a free slot. Called by the writer on its way out of a
   * stop, or of a failure that ends its flow: the shutdown waits for batches in flight before the
   * last checkpoint, so every event already handled (a {@code session.upload} whose recording is
   * being exported, say) is delivered and saved rather than read and sent again by the next run.
   */
  public void flushOnStop() {
    if (hasBatchToSend()) {
      send(inFlight.tryAcquire());
    }
  }

  /**
   * True when events are queued. When only skipped positions are, they are settled here at once:
   * nothing goes to Fluentd, yet the checkpoint must move past them.
   */
  private boolean hasBatchToSend() {
    if (!hasOpenPosition) {
      return false;
    }
    if (open.isEmpty()) {
      acks.acknowledge(acks.register(openPosition));
      hasOpenPosition = false;
      return false;
    }
    return true;
  }

  private void send(boolean holdsSlot) {
    AckTracker.Ticket<P> ticket = acks.register(openPosition);
    List<byte[]> records = open;
    Instant newest = openNewest;
    open = new ArrayList<>(Math.min(batchSize, 1024));
    openBytes = 0;
    openNewest = null;
    hasOpenPosition = false;
    inFlightBatches.started();
    long sentAt = System.nanoTime();
    sink.send(url, records)
        .whenComplete(
            (report, error) -> {
              if (error == null) {
                acks.acknowledge(ticket);
                onDelivered.accept(
                    new DeliveredBatch(
                        report, newest, Duration.ofNanos(System.nanoTime() - sentAt)));
              }
              // On error the sink was closed during shutdown: the position stays unacknowledged,
              // so the checkpoint never passes these events and they are read again next start.
              if (holdsSlot) {
                inFlight.release();
              }
              // Last: the shutdown writes its checkpoint once nothing is in flight, and that
              // checkpoint must include this acknowledgement.
              inFlightBatches.settled();
            });
  }

  /** The position up to which every event is delivered (or dead-lettered, or skipped). */
  public P committed() {
    return acks.committed();
  }

  /** Batches handed to the sink and not acknowledged yet. */
  public int batchesPending() {
    return acks.pendingCount();
  }

  /** Flushes and waits for every batch to be delivered; false on timeout. */
  public boolean drain(Duration timeout) throws InterruptedException {
    flush();
    return acks.awaitAllAcknowledged(timeout);
  }

  /**
   * Flushes and waits for every batch to be delivered, however long it takes: Fluentd may be slow
   * or down, and the sink retries without end.
   */
  public void drainUntilDelivered() throws InterruptedException {
    while (!drain(Duration.ofSeconds(30))) {
      // keep waiting
    }
  }
}
