package eventhandler.teleport;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import eventhandler.event.EventJson;
import eventhandler.event.StructWireJson;
import eventhandler.teleport.proto.auditlog.EventUnstructured;
import eventhandler.teleport.proto.auditlog.EventUnstructuredEncoded;
import java.time.Instant;
import java.util.Optional;

/**
 * An audit or session event as read from Teleport. Its JSON body (the {@code unstructured} Struct)
 * is kept either decoded or still in protobuf's wire format, as the stream delivered it: printing
 * the JSON straight from the encoded bytes ({@link StructWireJson}) is several times cheaper than
 * decoding the Struct first, so the body is decoded only where a field of it is needed.
 */
public final class TeleportEvent {
  private final String type;
  private final String id;
  private final Timestamp time;
  private final long index;
  private final Struct decoded;
  private final byte[] encoded;

  private TeleportEvent(
      String type, String id, Timestamp time, long index, Struct decoded, byte[] encoded) {
    this.type = type;
    this.id = id;
    this.time = time;
    this.index = index;
    this.decoded = decoded;
    this.encoded = encoded;
  }

  /** An event whose body is already decoded (search pages, tests). */
  public static TeleportEvent of(EventUnstructured event) {
    return new TeleportEvent(
        event.getType(),
        event.getId(),
        event.getTime(),
        event.getIndex(),
        event.hasUnstructured() ? event.getUnstructured() : null,
        null);
  }

  /** An event read with the body left encoded. */
  static TeleportEvent of(EventUnstructuredEncoded event) {
    return new TeleportEvent(
        event.getType(),
        event.getId(),
        event.getTime(),
        event.getIndex(),
        null,
        event.hasUnstructured() ? event.getUnstructured().toByteArray() : null);
  }

  public String type() {
    return type;
  }

  public String id() {
    return id;
  }

  public Instant time() {
    return Instant.ofEpochSecond(time.getSeconds(), time.getNanos());
  }

  /** The index within a session recording (session events). */
  public long index() {
    return index;
  }

  /** Whether the event has a JSON body at all. */
  public boolean hasBody() {
    return decoded != null || encoded != null;
  }

  /**
   * The body as the JSON record Fluentd gets, exactly as {@link EventJson} prints it.
   *
   * @throws InvalidProtocolBufferException if the encoded body is not a valid Struct
   * @throws IllegalStateException if the event has no body
   */
  public byte[] json() throws InvalidProtocolBufferException {
    if (decoded != null) {
      return EventJson.toJson(decoded);
    }
    if (encoded != null) {
      return StructWireJson.toJson(encoded);
    }
    throw new IllegalStateException("the event has no JSON body");
  }

  /**
   * The body decoded, for reading its fields.
   *
   * @throws InvalidProtocolBufferException if the encoded body is not a valid Struct
   * @throws IllegalStateException if the event has no body
   */
  public Struct body() throws InvalidProtocolBufferException {
    if (decoded != null) {
      return decoded;
    }
    if (encoded != null) {
      return Struct.parseFrom(encoded);
    }
    throw new IllegalStateException("the event has no JSON body");
  }

  /** The body as the encoded bytes were, for a dead-letter entry when they do not decode. */
  public Optional<byte[]> encodedBody() {
    return Optional.ofNullable(encoded);
  }
}
