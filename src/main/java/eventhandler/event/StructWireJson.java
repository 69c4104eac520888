package eventhandler.event;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import java.util.Arrays;

/**
 * {@link EventJson}'s output straight from a {@code google.protobuf.Struct} in protobuf wire
 * format, without building the Struct: no map, no entry objects, no Java strings. Keys are sorted
 * by their UTF-8 bytes (which is Go's order) and string bytes are copied as they are, escaped where
 * JSON needs it. Decoding the Struct and walking it was most of the export's CPU per event.
 *
 * <p>Whatever this reader does not handle exactly as protobuf would (a value with two kinds, a
 * repeated key, an unknown wire type, deep nesting, invalid UTF-8) goes the slow way: the Struct is
 * decoded and printed by {@link EventJson}, so the output is always identical.
 *
 * <p>Longer than our other classes on purpose: it is one parser whose parts share the read cursor
 * and output buffer fields on the hot path; split up, they would pass them around per byte.
 */
public final class StructWireJson {
  private static final double TWO_POW_53 = 9007199254740992.0;
  private static final int MAX_DEPTH = 100; // protobuf-java's default recursion limit
  private static final byte[] HEX =
      "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private byte[] input;
  private byte[] out;
  private int size;

  private StructWireJson() {}

  /** Signals a case the fast reader leaves to protobuf. */
  private static final class NotSimple extends Exception {
    private static final NotSimple INSTANCE = new NotSimple();

    private NotSimple() {
      super(null, null, false, false);
    }
  }

  /**
   * The JSON of the Struct encoded in {@code bytes[from, to)}.
   *
   * @throws InvalidProtocolBufferException if the bytes are not a Struct
   */
  public static byte[] toJson(byte[] bytes, int from, int to)
      throws InvalidProtocolBufferException {
    StructWireJson writer = new StructWireJson();
    writer.input = bytes;
    // The JSON is about as long as the encoded Struct; a little more room saves a copy.
    writer.out = new byte[(to - from) + (to - from) / 4 + 16];
    try {
      writer.writeStruct(from, to, 0);
    } catch (NotSimple | RuntimeException e) {
      // RuntimeException: malformed lengths that run past the end; protobuf names the problem.
      return EventJson.toJson(Struct.parseFrom(Arrays.copyOfRange(bytes, from, to)));
    }
    return Arrays.copyOf(writer.out, writer.size);
  }

  public static byte[] toJson(byte[] bytes) throws InvalidProtocolBufferException {
    return toJson(bytes, 0, bytes.length);
  }

  // ---- Struct { map<string, Value> fields = 1; }

  private void writeStruct(int from, int to, int depth) throws NotSimple {
    if (depth > MAX_DEPTH) {
      throw NotSimple.INSTANCE;
    }
    // Entries as {keyStart, keyEnd, valueStart, valueEnd}, kept sorted by key bytes.
    int[] entries = new int[16 * 4];
    int count = 0;
    int position = from;
    while (position < to) {
      long tag = readVarint(position, to);
      position = varintEnd;
      if (tag == ((1 << 3) | 2)) {
        int length = readLength(position, to);
        int start = varintEnd;
        int end = start + length;
        readEntry(start, end);
        if (count * 4 == entries.length) {
          entries = Arrays.copyOf(entries, entries.length * 2);
        }
        int slot = insertionPoint(entries, count, entryKeyStart, entryKeyEnd);
        System.arraycopy(entries, slot * 4, entries, slot * 4 + 4, (count - slot) * 4);
        entries[slot * 4] = entryKeyStart;
        entries[slot * 4 + 1] = entryKeyEnd;
        entries[slot * 4 + 2] = entryValueStart;
        entries[slot * 4 + 3] = entryValueEnd;
        count++;
        position = end;
      } else {
        position = skipField(tag, position, to);
      }
    }
    append((byte) '{');
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        append((byte) ',');
      }
      writeString(entries[i * 4], entries[i * 4 + 1]);
      append((byte) ':');
      if (entries[i * 4 + 2] < 0) {
        appendAscii("null"); // an entry without a value: protobuf's default Value, no kind
      } else {
        writeValue(entries[i * 4 + 2], entries[i * 4 + 3], depth + 1);
      }
    }
    append((byte) '}');
  }

  private int entryKeyStart;
  private int entryKeyEnd;
  private int entryValueStart;
  private int entryValueEnd;

  /** Reads one map entry {key = 1, value = 2} into the entry fields. */
  private void readEntry(int from, int to) throws NotSimple {
    entryKeyStart = 0;
    entryKeyEnd = 0;
    entryValueStart = -1;
    entryValueEnd = -1;
    boolean sawKey = false;
    int position = from;
    while (position < to) {
      long tag = readVarint(position, to);
      position = varintEnd;
      if (tag == ((1 << 3) | 2)) {
        if (sawKey) {
          throw NotSimple.INSTANCE;
        }
        sawKey = true;
        int length = readLength(position, to);
        entryKeyStart = varintEnd;
        entryKeyEnd = entryKeyStart + length;
        position = entryKeyEnd;
      } else if (tag == ((2 << 3) | 2)) {
        if (entryValueStart >= 0) {
          throw NotSimple.INSTANCE; // protobuf would merge the two values
        }
        int length = readLength(position, to);
        entryValueStart = varintEnd;
        entryValueEnd = entryValueStart + length;
        position = entryValueEnd;
      } else {
        position = skipField(tag, position, to);
      }
    }
    if (!sawKey) {
      entryKeyStart = from; // the empty key
      entryKeyEnd = from;
    }
  }

  /** Where a key goes among the sorted entries; a repeated key is left to protobuf. */
  private int insertionPoint(int[] entries, int count, int keyStart, int keyEnd) throws NotSimple {
    int low = 0;
    int high = count;
    while (low < high) {
      int middle = (low + high) >>> 1;
      int order = compareBytes(entries[middle * 4], entries[middle * 4 + 1], keyStart, keyEnd);
      if (order < 0) {
        low = middle + 1;
      } else if (order > 0) {
        high = middle;
      } else {
        throw NotSimple.INSTANCE; // the later value wins in protobuf
      }
    }
    return low;
  }

  /** Unsigned byte order of two ranges of the input (keys are short: a plain loop is fastest). */
  private int compareBytes(int aFrom, int aTo, int bFrom, int bTo) {
    int length = Math.min(aTo - aFrom, bTo - bFrom);
    for (int i = 0; i < length; i++) {
      int a = input[aFrom + i] & 0xFF;
      int b = input[bFrom + i] & 0xFF;
      if (a != b) {
        return a - b;
      }
    }
    return (aTo - aFrom) - (bTo - bFrom);
  }

  // ---- Value { oneof kind { null_value = 1; number_value = 2; string_value = 3; bool_value = 4;
  //                          struct_value = 5; list_value = 6; } }

  private void writeValue(int from, int to, int depth) throws NotSimple {
    int kind = 0;
    int start = 0;
    int end = 0;
    long number = 0;
    int position = from;
    while (position < to) {
      long tag = readVarint(position, to);
      position = varintEnd;
      int field = (int) (tag >>> 3);
      int wireType = (int) (tag & 7);
      if (field >= 1 && field <= 6) {
        if (kind != 0 || wireType != expectedWireType(field)) {
          throw NotSimple.INSTANCE; // two kinds (last wins, messages merge) or a wrong type
        }
        kind = field;
        switch (wireType) {
          case 0 -> {
            number = readVarint(position, to);
            position = varintEnd;
          }
          case 1 -> {
            if (position + 8 > to) {
              throw NotSimple.INSTANCE;
            }
            number = readLittleEndianLong(position);
            position += 8;
          }
          default -> {
            int length = readLength(position, to);
            start = varintEnd;
            end = start + length;
            position = end;
          }
        }
      } else {
        position = skipField(tag, position, to);
      }
    }
    switch (kind) {
      case 0, 1 -> appendAscii("null");
      case 2 -> writeNumber(Double.longBitsToDouble(number));
      case 3 -> writeString(start, end);
      case 4 -> appendAscii(number != 0 ? "true" : "false");
      case 5 -> writeStruct(start, end, depth);
      default -> writeList(start, end, depth);
    }
  }

  private static int expectedWireType(int field) {
    return switch (field) {
      case 1, 4 -> 0;
      case 2 -> 1;
      default -> 2;
    };
  }

  // ---- ListValue { repeated Value values = 1; }

  private void writeList(int from, int to, int depth) throws NotSimple {
    if (depth > MAX_DEPTH) {
      throw NotSimple.INSTANCE;
    }
    append((byte) '[');
    boolean first = true;
    int position = from;
    while (position < to) {
      long tag = readVarint(position, to);
      position = varintEnd;
      if (tag == ((1 << 3) | 2)) {
        int length = readLength(position, to);
        int start = varintEnd;
        if (!first) {
          append((byte) ',');
        }
        first = false;
        writeValue(start, start + length, depth + 1);
        position = start + length;
      } else {
        position = skipField(tag, position, to);
      }
    }
    append((byte) ']');
  }

  // ---- output

  private void writeNumber(double value) {
    if (value == Math.rint(value) && Math.abs(value) < TWO_POW_53) {
      if (value == 0 && Double.doubleToRawLongBits(value) != 0) {
        appendAscii("-0");
      } else {
        appendAscii(Long.toString((long) value));
      }
    } else if (Double.isNaN(value)) {
      appendAscii("\"NaN\"");
    } else if (Double.isInfinite(value)) {
      appendAscii(value > 0 ? "\"Infinity\"" : "\"-Infinity\"");
    } else {
      appendAscii(EventJson.goFloatText(value));
    }
  }

  /**
   * What a byte needs in a JSON string: 0 nothing (printable ASCII), 1 an escape, 2 it starts a
   * multi-byte sequence to validate, 3 it can never start a character (invalid).
   */
  private static final byte[] BYTE_CLASS = new byte[256];

  static {
    for (int b = 0; b < 0x20; b++) {
      BYTE_CLASS[b] = 1;
    }
    BYTE_CLASS['"'] = 1;
    BYTE_CLASS['\\'] = 1;
    for (int b = 0x80; b < 0x100; b++) {
      BYTE_CLASS[b] = (byte) (b >= 0xC2 && b < 0xF5 ? 2 : 3);
    }
  }

  /**
   * A JSON string of the UTF-8 bytes {@code [from, to)}, escaped as Jackson escapes them; one pass
   * that also checks the UTF-8 as protobuf would.
   */
  private void writeString(int from, int to) throws NotSimple {
    ensure(2 + (to - from));
    out[size++] = '"';
    int runStart = from;
    int i = from;
    while (i < to) {
      while (i < to && BYTE_CLASS[input[i] & 0xFF] == 0) {
        i++;
      }
      if (i == to) {
        break;
      }
      int b = input[i] & 0xFF;
      switch (BYTE_CLASS[b]) {
        case 2 -> {
          int length = b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
          if (i + length > to || !isValidUtf8(input, i, i + length)) {
            throw NotSimple.INSTANCE; // protobuf refuses it; let it say so
          }
          i += length;
        }
        case 3 -> throw NotSimple.INSTANCE;
        default -> {
          copy(runStart, i);
          i++;
          runStart = i;
          writeEscape(b);
        }
      }
    }
    copy(runStart, to);
    append((byte) '"');
  }

  private void writeEscape(int b) {
    switch (b) {
      case '"' -> appendAscii("\\\"");
      case '\\' -> appendAscii("\\\\");
      case '\b' -> appendAscii("\\b");
      case '\t' -> appendAscii("\\t");
      case '\n' -> appendAscii("\\n");
      case '\f' -> appendAscii("\\f");
      case '\r' -> appendAscii("\\r");
      default -> {
        ensure(6);
        out[size++] = '\\';
        out[size++] = 'u';
        out[size++] = '0';
        out[size++] = '0';
        out[size++] = HEX[b >> 4];
        out[size++] = HEX[b & 0xF];
      }
    }
  }

  /** Well-formed UTF-8 as protobuf requires of a string: no overlongs, surrogates or > U+10FFFF. */
  static boolean isValidUtf8(byte[] bytes, int from, int to) {
    int i = from;
    while (i < to) {
      int lead = bytes[i];
      if (lead >= 0) {
        i++;
        continue;
      }
      lead &= 0xFF;
      int length = lead < 0xC2 ? 0 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : lead < 0xF5 ? 4 : 0;
      if (length == 0 || i + length > to) {
        return false;
      }
      int second = bytes[i + 1] & 0xFF;
      if ((second & 0xC0) != 0x80
          || (lead == 0xE0 && second < 0xA0) // overlong
          || (lead == 0xED && second >= 0xA0) // a surrogate
          || (lead == 0xF0 && second < 0x90) // overlong
          || (lead == 0xF4 && second >= 0x90)) { // above U+10FFFF
        return false;
      }
      for (int k = 2; k < length; k++) {
        if ((bytes[i + k] & 0xC0) != 0x80) {
          return false;
        }
      }
      i += length;
    }
    return true;
  }

  private void copy(int from, int to) {
    int length = to - from;
    if (length > 0) {
      ensure(length);
      System.arraycopy(input, from, out, size, length);
      size += length;
    }
  }

  private void append(byte b) {
    ensure(1);
    out[size++] = b;
  }

  private void appendAscii(String text) {
    int length = text.length();
    ensure(length);
    for (int i = 0; i < length; i++) {
      out[size++] = (byte) text.charAt(i);
    }
  }

  private void ensure(int more) {
    if (size + more > out.length) {
      out = Arrays.copyOf(out, Math.max(out.length * 2, size + more));
    }
  }

  // ---- wire format

  /** Where the last varint read ended. */
  private int varintEnd;

  private long readVarint(int position, int limit) throws NotSimple {
    if (position < limit && input[position] >= 0) {
      varintEnd = position + 1; // one byte: tags and lengths under 128, nearly all of them
      return input[position];
    }
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (position >= limit) {
        throw NotSimple.INSTANCE;
      }
      byte b = input[position++];
      result |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        varintEnd = position;
        return result;
      }
    }
    throw NotSimple.INSTANCE;
  }

  private int readLength(int position, int limit) throws NotSimple {
    long length = readVarint(position, limit);
    if (length < 0 || length > limit - varintEnd) {
      throw NotSimple.INSTANCE;
    }
    return (int) length;
  }

  private long readLittleEndianLong(int position) {
    long value = 0;
    for (int i = 7; i >= 0; i--) {
      value = (value << 8) | (input[position + i] & 0xFF);
    }
    return value;
  }

  /** Skips an unknown field (protobuf keeps it as unknown; it is not part of the JSON). */
  private int skipField(long tag, int position, int limit) throws NotSimple {
    if ((tag >>> 3) == 0) {
      throw NotSimple.INSTANCE; // field number 0 is invalid
    }
    switch ((int) (tag & 7)) {
      case 0 -> {
        readVarint(position, limit);
        return varintEnd;
      }
      case 1 -> {
        if (position + 8 > limit) {
          throw NotSimple.INSTANCE;
        }
        return position + 8;
      }
      case 2 -> {
        int length = readLength(position, limit);
        return varintEnd + length;
      }
      case 5 -> {
        if (position + 4 > limit) {
          throw NotSimple.INSTANCE;
        }
        return position + 4;
      }
      default -> throw NotSimple.INSTANCE; // groups
    }
  }
}
