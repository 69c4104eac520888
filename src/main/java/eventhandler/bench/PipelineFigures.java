package eventhandler.bench;

import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.util.Map;

/** What the pipeline run gave. */
record PipelineFigures(
    int exitCode,
    long wallNanos,
    DeliveryWatch.Snapshot last,
    DeliveryWatch.Snapshot atFirst,
    long firstDeliveryNanos,
    long spanNanos,
    HistogramSnapshot latency,
    long peakHeap,
    long maxHeap,
    long heapAfterGc,
    long peakRss,
    long sessionsFinished,
    long sessionEventsSkipped,
    Map<String, Double> cpuByGroup,
    double processCpu) {

  double seconds() {
    return Math.max(spanNanos, 1) / 1e9;
  }

  double auditPerSecond() {
    return (last.audit() - atFirst.audit()) / seconds();
  }

  double sessionPerSecond() {
    return (last.session() - atFirst.session()) / seconds();
  }

  double eventsPerSecond() {
    return (last.events() - atFirst.events()) / seconds();
  }

  double megabytesPerSecond() {
    return (last.bytes() - atFirst.bytes()) / seconds() / 1e6;
  }
}
