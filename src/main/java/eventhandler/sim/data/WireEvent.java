package eventhandler.sim.data;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import eventhandler.teleport.proto.auditlog.EventUnstructured;

/**
 * Events as the simulator serves them: the {@code unstructured} Struct travels as the bytes that
 * {@link StructBuilder} wrote, carried as field 5 of the unknown-field set, which protobuf writes
 * unchanged. On the wire that is exactly an {@code EventUnstructured} with its Struct; in memory
 * {@code getUnstructured()} is empty until {@link #decoded} parses the message back.
 */
final class WireEvent {
  private static final int UNSTRUCTURED_FIELD = EventUnstructured.UNSTRUCTURED_FIELD_NUMBER;

  private WireEvent() {}

  static EventUnstructured of(String type, String id, long millis, long index, StructBuilder json) {
    UnknownFieldSet unstructured =
        UnknownFieldSet.newBuilder()
            .addField(
                UNSTRUCTURED_FIELD,
                UnknownFieldSet.Field.newBuilder().addLengthDelimited(json.toByteString()).build())
            .build();
    return EventUnstructured.newBuilder()
        // As bytes: protobuf then writes them as they are instead of encoding the String again.
        .setTypeBytes(ByteString.copyFromUtf8(type))
        .setIdBytes(ByteString.copyFromUtf8(id))
        .setTime(AuditEvents.timestamp(millis))
        .setIndex(index)
        .setUnknownFields(unstructured)
        .build();
  }

  /** The event with its Struct parsed, as a client receives it. */
  static EventUnstructured decoded(EventUnstructured event) {
    try {
      return EventUnstructured.parseFrom(event.toByteString());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("the simulator wrote a malformed event", e);
    }
  }
}
