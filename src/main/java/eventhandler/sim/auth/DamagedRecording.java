package eventhandler.sim.auth;

import eventhandler.teleport.proto.auditlog.EventUnstructured;
import io.grpc.Status;
import java.util.Iterator;
import java.util.NoSuchElementException;

/** A recording that cannot be read past one index: the stream fails there with INTERNAL. */
final class DamagedRecording implements Iterator<EventUnstructured> {
  private final Iterator<EventUnstructured> events;
  private final long damagedIndex;
  private EventUnstructured next;

  DamagedRecording(Iterator<EventUnstructured> events, long damagedIndex) {
    this.events = events;
    this.damagedIndex = damagedIndex;
  }

  @Override
  public boolean hasNext() {
    if (next == null && events.hasNext()) {
      next = events.next();
    }
    if (next != null && next.getIndex() >= damagedIndex) {
      throw new StreamPump.Failure(
          Status.INTERNAL.withDescription(
              "simulated damaged recording: unexpected EOF reading event " + damagedIndex));
    }
    return next != null;
  }

  @Override
  public EventUnstructured next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    EventUnstructured result = next;
    next = null;
    return result;
  }
}
