package eventhandler.event;

import eventhandler.sim.SimulatedCluster;
import eventhandler.teleport.proto.auditlog.EventUnstructured;
import eventhandler.teleport.proto.auditlog.EventUnstructuredEncoded;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Per-event CPU of the export's hot path on the simulator's audit events (a realistic mix of types
 * and sizes): parsing the gRPC message (what the gRPC client thread does), converting the event's
 * Struct to the JSON Fluentd gets, and both.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EventJsonBenchmark {
  private static final int EVENTS = 4096;

  private EventUnstructured[] events;
  private byte[][] wire;
  private byte[][] structs;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    SimulatedCluster cluster = SimulatedCluster.builder().seed(7).events(EVENTS).build();
    events = new EventUnstructured[EVENTS];
    wire = new byte[EVENTS][];
    structs = new byte[EVENTS][];
    long bytes = 0;
    for (int i = 0; i < EVENTS; i++) {
      events[i] = cluster.auditEvent(i);
      wire[i] = events[i].toByteArray();
      structs[i] = events[i].getUnstructured().toByteArray();
      bytes += EventJson.toJson(events[i].getUnstructured()).length;
    }
    System.out.printf("%n%d events, %d bytes of JSON on average%n", EVENTS, bytes / EVENTS);
  }

  private int index() {
    int i = next;
    next = (i + 1) & (EVENTS - 1);
    return i;
  }

  /** EventJson.toJson on an already parsed event (the audit-export thread's part). */
  @Benchmark
  public byte[] toJson() {
    return EventJson.toJson(events[index()].getUnstructured());
  }

  /** Parsing one EventUnstructured from its wire bytes (the gRPC client's part). */
  @Benchmark
  public EventUnstructured parse() throws Exception {
    return EventUnstructured.parseFrom(wire[index()]);
  }

  /** Both: wire bytes to the JSON record, through a decoded Struct (the old path). */
  @Benchmark
  public byte[] parseAndToJson() throws Exception {
    return EventJson.toJson(EventUnstructured.parseFrom(wire[index()]).getUnstructured());
  }

  /**
   * Wire bytes to the JSON record as the export does it now: the message parsed with the Struct
   * left encoded, and the JSON printed from those bytes ({@link StructWireJson}).
   */
  @Benchmark
  public byte[] parseEncodedAndPrint() throws Exception {
    return StructWireJson.toJson(
        EventUnstructuredEncoded.parseFrom(wire[index()]).getUnstructured().toByteArray());
  }

  /** {@link StructWireJson} alone, on the encoded Struct (the chunk reader's part). */
  @Benchmark
  public byte[] printEncoded() throws Exception {
    return StructWireJson.toJson(structs[index()]);
  }
}
