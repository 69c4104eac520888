package eventhandler.sim.data;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Builds an event's JSON as the wire bytes of a protobuf {@code Struct}, field by field.
 *
 * <p>The bytes are written with protobuf's own encoder as they are put, rather than by building a
 * {@code Struct} of {@code Value}s and serialising it: that object graph (a map entry per field,
 * sized and written twice) made up most of what the simulator spent per event, which {@code bench}
 * pays on the same cores as the export it measures. Keys must be distinct.
 */
final class StructBuilder {
  // Field numbers of google/protobuf/struct.proto.
  private static final int STRUCT_FIELDS = 1;
  private static final int ENTRY_KEY = 1;
  private static final int ENTRY_VALUE = 2;
  private static final int NUMBER_VALUE = 2;
  private static final int STRING_VALUE = 3;
  private static final int BOOL_VALUE = 4;
  private static final int STRUCT_VALUE = 5;
  private static final int LIST_VALUE = 6;
  private static final int LIST_VALUES = 1;

  private final ByteString.Output bytes = ByteString.newOutput(512);
  private final CodedOutputStream wire = CodedOutputStream.newInstance(bytes, 512);

  StructBuilder put(String key, String value) {
    byte[] utf8 = utf8(value);
    int size = CodedOutputStream.computeByteArraySize(STRING_VALUE, utf8);
    return entry(key, size, () -> wire.writeByteArray(STRING_VALUE, utf8));
  }

  StructBuilder put(String key, double value) {
    int size = CodedOutputStream.computeDoubleSize(NUMBER_VALUE, value);
    return entry(key, size, () -> wire.writeDouble(NUMBER_VALUE, value));
  }

  StructBuilder put(String key, boolean value) {
    int size = CodedOutputStream.computeBoolSize(BOOL_VALUE, value);
    return entry(key, size, () -> wire.writeBool(BOOL_VALUE, value));
  }

  StructBuilder put(String key, List<String> values) {
    int listSize = 0;
    for (String value : values) {
      listSize += nestedSize(LIST_VALUES, CodedOutputStream.computeStringSize(STRING_VALUE, value));
    }
    int contentSize = listSize;
    return entry(
        key,
        nestedSize(LIST_VALUE, contentSize),
        () -> {
          writeNestedHeader(LIST_VALUE, contentSize);
          for (String value : values) {
            writeNestedHeader(
                LIST_VALUES, CodedOutputStream.computeStringSize(STRING_VALUE, value));
            wire.writeString(STRING_VALUE, value);
          }
        });
  }

  StructBuilder put(String key, StructBuilder value) {
    ByteString struct = value.toByteString();
    int size = CodedOutputStream.computeBytesSize(STRUCT_VALUE, struct);
    return entry(key, size, () -> wire.writeBytes(STRUCT_VALUE, struct));
  }

  /** The {@code Struct}'s wire bytes. */
  ByteString toByteString() {
    try {
      wire.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // an in-memory stream does not fail
    }
    return bytes.toByteString();
  }

  private interface ValueWriter {
    void write() throws IOException;
  }

  /** One map entry {@code fields[key] = Value}, whose own fields {@code value} writes. */
  private StructBuilder entry(String key, int valueSize, ValueWriter value) {
    byte[] keyUtf8 = utf8(key);
    int entrySize =
        CodedOutputStream.computeByteArraySize(ENTRY_KEY, keyUtf8)
            + nestedSize(ENTRY_VALUE, valueSize);
    try {
      writeNestedHeader(STRUCT_FIELDS, entrySize);
      wire.writeByteArray(ENTRY_KEY, keyUtf8);
      writeNestedHeader(ENTRY_VALUE, valueSize);
      value.write();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /**
   * A string field and a bytes field of its UTF-8 are the same on the wire; the JDK's encoder is
   * much faster than protobuf's character loop for the short ASCII strings of events.
   */
  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private void writeNestedHeader(int field, int size) throws IOException {
    wire.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    wire.writeUInt32NoTag(size);
  }

  private static int nestedSize(int field, int size) {
    return CodedOutputStream.computeTagSize(field)
        + CodedOutputStream.computeUInt32SizeNoTag(size)
        + size;
  }
}
