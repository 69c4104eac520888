package eventhandler.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of this JVM's threads, grouped by what they belong to (the simulated cluster, the
 * export's gRPC client, the sink, the receiver...), so a run on a shared machine still shows where
 * the cores went. Threads are read every 500 ms, so a thread that ends loses at most that much.
 */
final class CpuWatch implements AutoCloseable {
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final Map<Long, String> groups = new HashMap<>();
  private final Map<Long, Long> lastCpu = new HashMap<>();
  private final Map<Long, Long> baseline = new HashMap<>();
  private final PeriodicSampler sampler;
  private final long startProcessCpu = processCpuNanos();

  CpuWatch() {
    if (threads.isThreadCpuTimeSupported() && !threads.isThreadCpuTimeEnabled()) {
      threads.setThreadCpuTimeEnabled(true);
    }
    sample();
    baseline.putAll(lastCpu);
    sampler = new PeriodicSampler("bench-cpu-sampler", Duration.ofMillis(500), this::sample);
  }

  private synchronized void sample() {
    long[] ids = threads.getAllThreadIds();
    ThreadInfo[] infos = threads.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      long cpu = threads.getThreadCpuTime(ids[i]);
      if (cpu < 0 || infos[i] == null) {
        continue;
      }
      String name = infos[i].getThreadName();
      groups.computeIfAbsent(ids[i], id -> groupOf(name));
      lastCpu.put(ids[i], cpu);
    }
  }

  /** The part of the system a thread belongs to, from its name. */
  static String groupOf(String name) {
    if (name.startsWith("sim-")) {
      return "simulated cluster";
    }
    if (name.startsWith("fluentd-receiver") || name.startsWith("fluentd-accept")) {
      return "receiver";
    }
    if (name.startsWith("fluentd-sink") || name.startsWith("fluentd-dead-letters")) {
      return "export: sink";
    }
    if (name.startsWith("grpc-nio-worker") || name.startsWith("grpc-default-executor")) {
      return "export: gRPC client";
    }
    if (name.startsWith("session-export")) {
      return "export: session recordings";
    }
    // audit-export-chunk (bulk), audit-search-fetch and audit-search-window (search)
    if (name.startsWith("audit-")
        || name.startsWith("export-")
        || name.startsWith("start-")
        || name.equals("main")) {
      return "export: audit reading, conversion";
    }
    if (name.startsWith("raw-poster")) {
      return "raw poster";
    }
    if (name.startsWith("bench-")) {
      return "bench";
    }
    if (name.contains("GC") || name.startsWith("G1") || name.contains("Compiler")) {
      return "JVM (GC, JIT)";
    }
    return "other";
  }

  /** CPU seconds per group since this watch started, largest first. */
  synchronized Map<String, Double> secondsByGroup() {
    sample();
    Map<String, Double> sums = new TreeMap<>();
    lastCpu.forEach(
        (id, cpu) ->
            sums.merge(groups.get(id), (cpu - baseline.getOrDefault(id, 0L)) / 1e9, Double::sum));
    Map<String, Double> sorted = new LinkedHashMap<>();
    sums.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(entry -> sorted.put(entry.getKey(), entry.getValue()));
    return sorted;
  }

  /** CPU seconds of the whole process since this watch started (JVM threads included). */
  double processSeconds() {
    long now = processCpuNanos();
    return now < 0 || startProcessCpu < 0 ? -1 : (now - startProcessCpu) / 1e9;
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  @Override
  public void close() {
    sampler.close();
  }
}
