package eventhandler.sim.fluentd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import eventhandler.files.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the receiver accepted, per tag: counts and bytes always; the records themselves in memory,
 * or appended to one JSON-lines file per tag, or not at all (benchmarks).
 */
final class FluentdRecordStore implements AutoCloseable {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final FluentdReceiver.Storage storage;
  private final Path directory;
  private final Map<String, Tally> tallies = new ConcurrentHashMap<>();
  private final Map<String, List<JsonNode>> memory = new HashMap<>();
  private final Map<String, FileChannel> files = new HashMap<>();
  private final LongAdder total = new LongAdder();

  FluentdRecordStore(FluentdReceiver.Storage storage, Path directory) {
    this.storage = storage;
    this.directory = directory;
  }

  /** Keeps records {@code parsed} of {@code body}, all of one accepted request. */
  void accept(String tag, byte[] body, InHttpBodyParser.Parsed parsed) {
    long bytes = 0;
    for (int i = 0; i < parsed.count(); i++) {
      bytes += parsed.end(i) - parsed.start(i);
    }
    switch (storage) {
      case MEMORY -> keepInMemory(tag, body, parsed);
      case FILES -> appendToFile(tag, body, parsed);
      case COUNT_ONLY -> {}
    }
    Tally tally = tallies.computeIfAbsent(tag, key -> new Tally());
    tally.bytes.add(bytes);
    tally.records.add(parsed.count());
    total.add(parsed.count());
  }

  long records(String tag) {
    Tally tally = tallies.get(tag);
    return tally == null ? 0 : tally.records.sum();
  }

  long bytes(String tag) {
    Tally tally = tallies.get(tag);
    return tally == null ? 0 : tally.bytes.sum();
  }

  long total() {
    return total.sum();
  }

  Map<String, Long> recordsByTag() {
    Map<String, Long> result = new TreeMap<>();
    tallies.forEach((tag, tally) -> result.put(tag, tally.records.sum()));
    return result;
  }

  synchronized List<JsonNode> stored(String tag) {
    if (storage != FluentdReceiver.Storage.MEMORY) {
      throw new IllegalStateException("the receiver keeps records in memory only in MEMORY mode");
    }
    return List.copyOf(memory.getOrDefault(tag, List.of()));
  }

  synchronized void clear() {
    memory.clear();
    tallies.clear();
    total.reset();
  }

  @Override
  public synchronized void close() {
    for (FileChannel channel : files.values()) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // closing at shutdown; nothing to do
      }
    }
    files.clear();
  }

  private synchronized void keepInMemory(String tag, byte[] body, InHttpBodyParser.Parsed parsed) {
    List<JsonNode> records = memory.computeIfAbsent(tag, key -> new ArrayList<>());
    for (int i = 0; i < parsed.count(); i++) {
      try {
        records.add(MAPPER.readTree(body, parsed.start(i), parsed.end(i) - parsed.start(i)));
      } catch (IOException e) {
        throw new IllegalStateException("a record that parsed once no longer parses", e);
      }
    }
  }

  private synchronized void appendToFile(String tag, byte[] body, InHttpBodyParser.Parsed parsed) {
    try {
      FileChannel channel = files.get(tag);
      if (channel == null) {
        PrivateFiles.createDirectories(directory);
        channel =
            FileChannel.open(
                directory.resolve(fileName(tag)),
                EnumSet.of(
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND),
                PrivateFiles.attributes(PrivateFiles.FILE_MODE));
        files.put(tag, channel);
      }
      int size = 0;
      for (int i = 0; i < parsed.count(); i++) {
        size += parsed.end(i) - parsed.start(i) + 1;
      }
      ByteBuffer lines = ByteBuffer.allocate(size);
      for (int i = 0; i < parsed.count(); i++) {
        lines.put(body, parsed.start(i), parsed.end(i) - parsed.start(i)).put((byte) '\n');
      }
      lines.flip();
      while (lines.hasRemaining()) {
        channel.write(lines);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to the receiver's file for tag " + tag, e);
    }
  }

  /** A safe file name for a tag: {@code <tag>.jsonl}, odd characters replaced. */
  static String fileName(String tag) {
    String safe = tag.replaceAll("[^A-Za-z0-9._-]", "_");
    if (safe.isEmpty() || safe.startsWith(".")) {
      safe = "_" + safe;
    }
    return safe + ".jsonl";
  }

  private static final class Tally {
    final LongAdder records = new LongAdder();
    final LongAdder bytes = new LongAdder();
  }
}
