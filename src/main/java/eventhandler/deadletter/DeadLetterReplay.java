package eventhandler.deadletter;

import eventhandler.sink.DeliveryReport;
import eventhandler.sink.FluentdSink;
import eventhandler.sink.FluentdSinkConfig;
import eventhandler.sink.RefusedEvents;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code dead-letters replay}: sends each replayable dead letter to the URL it was meant for,
 * through the sink {@code start} uses (without holds: a refusal is reported, not waited out), a
 * batch at a time. After each batch the file is replaced atomically: the accepted lines removed,
 * those refused again kept with Fluentd's new answer. A crash therefore sends a batch twice at
 * most, and loses nothing; lines a running {@code start} appends meanwhile are kept.
 */
public final class DeadLetterReplay {
  /** Another replay holds the file. */
  public static final class BusyException extends Exception {
    BusyException(String message) {
      super(message);
    }
  }

  /**
   * @param accepted dead letters Fluentd took (now removed from the file)
   * @param refusedAgain dead letters Fluentd refused again (kept, with the new answer)
   * @param left replayable dead letters still in the file
   * @param stopped why the replay stopped before trying them all, or null
   */
  public record Outcome(int accepted, int refusedAgain, int left, String stopped) {}

  /** The limits of each batch and how long one may take. */
  public record Batches(int size, int bytes, Duration timeout) {}

  private record Answer(int status, String response) {}

  private final Path file;
  private final FluentdSinkConfig sinkConfig;
  private final Batches batches;
  private final Clock clock;
  private final PrintWriter out;

  public DeadLetterReplay(
      Path file, FluentdSinkConfig sinkConfig, Batches batches, Clock clock, PrintWriter out) {
    this.file = file;
    this.sinkConfig = sinkConfig;
    this.batches = batches;
    this.clock = clock;
    this.out = out;
  }

  public Outcome run() throws IOException, BusyException {
    Path lockFile = file.resolveSibling(file.getFileName() + ".replay.lock");
    try (FileChannel channel =
        FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      FileLock lock = tryLock(channel);
      if (lock == null) {
        throw new BusyException(
            "another 'dead-letters replay' is running on "
                + file
                + "; wait for it to end (a running 'start' is no obstacle)");
      }
      try (lock) {
        return replay();
      }
    }
  }

  private static FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException e) {
      return null; // held by this JVM
    }
  }

  private Outcome replay() throws IOException {
    Map<byte[], Answer> refused = Collections.synchronizedMap(new IdentityHashMap<>());
    RefusedEvents again =
        new RefusedEvents() {
          @Override
          public void refused(URI url, byte[] record, int status, String response) {
            refused.put(record, new Answer(status, response));
          }

          @Override
          public String where() {
            return "the replay's list of events refused again";
          }
        };
    List<Letter> letters = DeadLetterLines.read(file);
    Set<Letter> tried = Collections.newSetFromMap(new IdentityHashMap<>());
    int accepted = 0;
    int refusedAgain = 0;
    String stopped = null;
    try (FluentdSink sink =
        FluentdSink.withoutHolds(
            sinkConfig.withBareObjects(batches.size() == 1),
            again,
            new SimpleMeterRegistry(),
            clock)) {
      while (true) {
        List<Letter> batch = nextBatch(letters, tried);
        if (batch.isEmpty()) {
          break;
        }
        tried.addAll(batch);
        Map<Letter, byte[]> events = new IdentityHashMap<>();
        List<byte[]> records = new ArrayList<>();
        for (Letter letter : batch) {
          byte[] event = letter.event();
          events.put(letter, event);
          records.add(event);
        }
        DeliveryReport report;
        try {
          report =
              sink.send(batch.get(0).target(), records)
                  .get(batches.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          String error = sink.health().lastError();
          stopped =
              "Fluentd did not take a batch within "
                  + batches.timeout().toSeconds()
                  + " s"
                  + (error == null ? "" : " (last error: " + error + ")");
          break;
        } catch (ExecutionException e) {
          stopped = "the sink stopped: " + e.getCause().getMessage();
          break;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          stopped = "interrupted";
          break;
        }
        List<Letter> after = new ArrayList<>();
        String now = clock.instant().toString();
        for (Letter letter : letters) {
          if (!events.containsKey(letter)) {
            after.add(letter);
            continue;
          }
          Answer answer = refused.remove(events.get(letter));
          if (answer != null) {
            Letter changed = letter.refusedAgain(answer.status(), answer.response(), now);
            tried.add(changed);
            after.add(changed);
          }
        }
        letters = DeadLetterLines.replace(file, letters, after);
        accepted += report.delivered();
        refusedAgain += report.deadLettered();
        out.printf(
            "sent %d to %s: %d accepted, %d refused again%n",
            batch.size(), batch.get(0).url(), report.delivered(), report.deadLettered());
        out.flush();
        if (report.delivered() == 0) {
          stopped = "Fluentd accepted none of a batch, so it likely still refuses every event";
          break;
        }
      }
    }
    int left = (int) letters.stream().filter(Letter::replayable).count();
    return new Outcome(accepted, refusedAgain, left, stopped);
  }

  /** The next letters not tried yet, in file order, to one URL, within the batch limits. */
  private List<Letter> nextBatch(List<Letter> letters, Set<Letter> tried) throws IOException {
    List<Letter> batch = new ArrayList<>();
    long bytes = 1;
    for (Letter letter : letters) {
      if (!letter.replayable() || tried.contains(letter)) {
        continue;
      }
      if (!batch.isEmpty() && !letter.url().equals(batch.get(0).url())) {
        break;
      }
      int length = letter.event().length + 1;
      if (!batch.isEmpty()
          && (batch.size() >= batches.size() || bytes + length > batches.bytes())) {
        break;
      }
      batch.add(letter);
      bytes += length;
    }
    return batch;
  }
}
