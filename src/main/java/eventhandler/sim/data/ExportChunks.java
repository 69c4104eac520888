package eventhandler.sim.data;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How bulk export splits each UTC day into chunks: the generated events of a day in consecutive
 * groups of up to {@code chunkSize}, then each batch of live events of that day in its own chunks.
 * A chunk never changes once it exists, like Teleport's, so a client that finished one never misses
 * events in it.
 */
final class ExportChunks {
  /** Events {@code [fromIndex, toIndex)} under an opaque name. */
  record Chunk(String name, long fromIndex, long toIndex) {}

  private final long seed;
  private final int chunkSize;
  private final EventTimeline timeline;

  ExportChunks(long seed, int chunkSize, EventTimeline timeline) {
    if (chunkSize <= 0) {
      throw new IllegalArgumentException("chunk size must be positive: " + chunkSize);
    }
    this.seed = seed;
    this.chunkSize = chunkSize;
    this.timeline = timeline;
  }

  /** The chunks of {@code day} in index order. */
  List<Chunk> chunksOf(LocalDate day) {
    long dayStart = day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    long dayEnd = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    long from = timeline.firstBaseIndexAtOrAfter(dayStart);
    long to = timeline.firstBaseIndexAtOrAfter(dayEnd);
    List<Chunk> chunks = new ArrayList<>();
    split(chunks, from, to, day.toEpochDay(), 0x6e);
    for (EventTimeline.LiveBatch batch : timeline.liveBatches()) {
      if (batch.timeMillis() >= dayStart && batch.timeMillis() < dayEnd) {
        split(chunks, batch.firstIndex(), batch.endIndex(), batch.firstIndex(), 0x1e);
      }
    }
    return chunks;
  }

  Optional<Chunk> find(LocalDate day, String name) {
    return chunksOf(day).stream().filter(chunk -> chunk.name().equals(name)).findFirst();
  }

  private void split(List<Chunk> chunks, long from, long to, long key, long salt) {
    int number = 0;
    for (long start = from; start < to; start += chunkSize, number++) {
      String name =
          String.format(
              "%016x%016x",
              SeededHash.of(seed, key, salt, 2L * number),
              SeededHash.of(seed, key, salt, 2L * number + 1));
      chunks.add(new Chunk(name, start, Math.min(to, start + chunkSize)));
    }
  }
}
