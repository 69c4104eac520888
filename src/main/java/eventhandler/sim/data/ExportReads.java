package eventhandler.sim.data;

import com.google.protobuf.Timestamp;
import eventhandler.teleport.proto.auditlog.ExportEventUnstructured;
import io.grpc.Status;
import io.grpc.StatusException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/** The bulk export API's answers: a day's chunk names, and the events of one chunk. */
final class ExportReads {
  private final long seed;
  private final AuditEvents events;
  private final ExportChunks chunks;
  private final AtomicLong chunkListings = new AtomicLong();

  ExportReads(long seed, AuditEvents events, ExportChunks chunks) {
    this.seed = seed;
    this.events = events;
    this.chunks = chunks;
  }

  List<String> chunkNames(Timestamp date) {
    List<ExportChunks.Chunk> list = new ArrayList<>(chunks.chunksOf(utcDate(date)));
    // Teleport lists chunks in no stable order; clients must not rely on one.
    Collections.shuffle(list, new Random(SeededHash.of(seed, chunkListings.incrementAndGet(), 7)));
    return list.stream().map(ExportChunks.Chunk::name).toList();
  }

  Iterator<ExportEventUnstructured> chunkEvents(Timestamp date, String name, String cursorText)
      throws StatusException {
    LocalDate day = utcDate(date);
    Optional<ExportChunks.Chunk> found = chunks.find(day, name);
    if (found.isEmpty()) {
      throw Status.NOT_FOUND
          .withDescription("export chunk " + name + " of " + day + " not found")
          .asException();
    }
    ExportChunks.Chunk chunk = found.get();
    long from = chunk.fromIndex();
    if (!cursorText.isEmpty()) {
      OptionalLong cursor = Cursors.decode(Cursors.EXPORT, cursorText);
      if (cursor.isEmpty()
          || cursor.getAsLong() < chunk.fromIndex()
          || cursor.getAsLong() > chunk.toIndex()) {
        throw Status.INVALID_ARGUMENT
            .withDescription("cursor does not belong to chunk " + chunk.name())
            .asException();
      }
      from = cursor.getAsLong();
    }
    return new IndexIterator<>(
        from,
        chunk.toIndex(),
        i ->
            ExportEventUnstructured.newBuilder()
                .setEvent(events.event(i))
                .setCursor(Cursors.encode(Cursors.EXPORT, i + 1))
                .build());
  }

  static LocalDate utcDate(Timestamp timestamp) {
    return LocalDate.ofInstant(Instant.ofEpochSecond(timestamp.getSeconds()), ZoneOffset.UTC);
  }

  /** Messages for the indexes {@code [from, to)}, made one at a time. */
  private static final class IndexIterator<T> implements Iterator<T> {
    private long next;
    private final long end;
    private final LongFunction<T> make;

    IndexIterator(long from, long end, LongFunction<T> make) {
      this.next = from;
      this.end = end;
      this.make = make;
    }

    @Override
    public boolean hasNext() {
      return next < end;
    }

    @Override
    public T next() {
      if (next >= end) {
        throw new NoSuchElementException();
      }
      return make.apply(next++);
    }
  }
}
