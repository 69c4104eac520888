package eventhandler.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The JVM's memory during a run: peak heap in use (sampled, and taken from every collection's
 * before-GC figure), heap in use after each collection (the live set: growth there is a leak), and
 * the process's resident set from {@code /proc/self/status}.
 */
final class MemoryWatch implements AutoCloseable {
  private static final Path PROC_STATUS = Path.of("/proc/self/status");

  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final Set<String> heapPools =
      ManagementFactory.getMemoryPoolMXBeans().stream()
          .filter(pool -> pool.getType() == MemoryType.HEAP)
          .map(MemoryPoolMXBean::getName)
          .collect(Collectors.toSet());
  private final AtomicLong peakUsed = new AtomicLong();
  private final AtomicLong lastAfterGc = new AtomicLong(-1);
  private final AtomicLong minAfterGcSinceMark = new AtomicLong(Long.MAX_VALUE);
  private final AtomicLong maxAfterGcSinceMark = new AtomicLong(-1);
  private final AtomicLong collections = new AtomicLong();
  private final List<Registration> registrations = new ArrayList<>();
  private final PeriodicSampler sampler;

  private record Registration(NotificationEmitter emitter, NotificationListener listener) {}

  MemoryWatch() {
    for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (collector instanceof NotificationEmitter emitter) {
        NotificationListener listener = (notification, handback) -> onCollection(notification);
        emitter.addNotificationListener(listener, null, null);
        registrations.add(new Registration(emitter, listener));
      }
    }
    sampler = new PeriodicSampler("bench-memory-sampler", Duration.ofMillis(10), this::sample);
  }

  private void sample() {
    peakUsed.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
  }

  private void onCollection(Notification notification) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
        notification.getType())) {
      return;
    }
    GarbageCollectionNotificationInfo info =
        GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
    long before = heapSum(info.getGcInfo().getMemoryUsageBeforeGc().entrySet());
    long after = heapSum(info.getGcInfo().getMemoryUsageAfterGc().entrySet());
    peakUsed.accumulateAndGet(before, Math::max);
    lastAfterGc.set(after);
    minAfterGcSinceMark.accumulateAndGet(after, Math::min);
    maxAfterGcSinceMark.accumulateAndGet(after, Math::max);
    collections.incrementAndGet();
  }

  private long heapSum(Set<java.util.Map.Entry<String, MemoryUsage>> pools) {
    long sum = 0;
    for (var pool : pools) {
      if (heapPools.contains(pool.getKey())) {
        sum += pool.getValue().getUsed();
      }
    }
    return sum;
  }

  /** Highest heap use seen so far, in bytes. */
  long peakHeapUsed() {
    sample();
    return peakUsed.get();
  }

  /** The heap limit ({@code -Xmx}), or -1 when there is none. */
  long maxHeap() {
    return memory.getHeapMemoryUsage().getMax();
  }

  /** Heap in use after the most recent collection, or -1 before the first. */
  long heapAfterLastGc() {
    return lastAfterGc.get();
  }

  long collections() {
    return collections.get();
  }

  /** Lowest and highest heap-after-GC since the previous call (-1 when no collection ran). */
  long[] afterGcRangeSinceLastCall() {
    long min = minAfterGcSinceMark.getAndSet(Long.MAX_VALUE);
    long max = maxAfterGcSinceMark.getAndSet(-1);
    return max < 0 ? new long[] {-1, -1} : new long[] {min, max};
  }

  /** Peak resident set size of the process ({@code VmHWM}), in bytes; -1 if unknown. */
  static long peakRss() {
    return procStatusBytes("VmHWM:");
  }

  /** Resident set size of the process now ({@code VmRSS}), in bytes; -1 if unknown. */
  static long currentRss() {
    return procStatusBytes("VmRSS:");
  }

  private static long procStatusBytes(String field) {
    try {
      for (String line : Files.readAllLines(PROC_STATUS)) {
        if (line.startsWith(field)) {
          String value = line.substring(field.length()).trim();
          return Long.parseLong(value.split("\\s+")[0]) * 1024; // the unit is kB
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  @Override
  public void close() {
    sampler.close();
    for (Registration registration : registrations) {
      try {
        registration.emitter().removeNotificationListener(registration.listener());
      } catch (javax.management.ListenerNotFoundException e) {
        // already gone
      }
    }
  }
}
