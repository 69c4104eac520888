package eventhandler.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.NumberOutput;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;

/**
 * An event's JSON exactly as the Go plugin sends it to Fluentd: the {@code unstructured} Struct
 * printed the way Go's protojson prints it, compact, nothing added.
 *
 * <ul>
 *   <li>object keys sorted by code point (Go sorts by UTF-8 bytes, which is the same order);
 *   <li>numbers as Go prints a float64: integers without {@code .0} ({@code 5}, {@code
 *       1663786264}), other values with the fewest digits that read back to the same double, plain
 *       between 1e-6 and 1e21 and otherwise in exponent form ({@code 1e+21}, {@code 1.5e-7});
 *   <li>strings in UTF-8 with only {@code "}, {@code \} and control characters escaped ({@code
 *       \n}-style where one exists, else {@code \u001f} in lower-case hex).
 * </ul>
 *
 * <p>Two cases Go refuses (its marshal fails) are written instead of failing here: NaN and
 * infinities become the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"} (what Java
 * {@code JsonFormat} does), and a Value with no kind set becomes {@code null}. Neither can arrive
 * from Teleport, which builds the Struct from JSON.
 */
public final class EventJson {
  // Immutable once built and thread-safe; generators are created per call.
  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
          .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
          .build();

  private static final double TWO_POW_53 = 9007199254740992.0;

  /** Go orders map keys by UTF-8 bytes, i.e. by code point; UTF-16 order differs above U+D7FF. */
  static final Comparator<String> CODE_POINT_ORDER = EventJson::compareCodePoints;

  private EventJson() {}

  /** The event's JSON as UTF-8 bytes. */
  public static byte[] toJson(Struct event) {
    ByteArrayBuilder bytes = new ByteArrayBuilder(512);
    try (JsonGenerator generator = FACTORY.createGenerator(bytes)) {
      writeStruct(generator, event);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot print event as JSON", e); // in-memory: not expected
    }
    return bytes.toByteArray();
  }

  /** Writes the event's JSON as UTF-8 to {@code out} (for example a Netty ByteBufOutputStream). */
  public static void writeTo(Struct event, OutputStream out) throws IOException {
    try (JsonGenerator generator = FACTORY.createGenerator(out)) {
      generator.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      writeStruct(generator, event);
    }
  }

  /** A top-level string field, for example {@code sid}, {@code user}, {@code login}. */
  public static Optional<String> fieldString(Struct event, String name) {
    Value value = event.getFieldsMap().get(name);
    return value != null && value.getKindCase() == Value.KindCase.STRING_VALUE
        ? Optional.of(value.getStringValue())
        : Optional.empty();
  }

  /** A top-level boolean field, for example {@code success}. */
  public static Optional<Boolean> fieldBool(Struct event, String name) {
    Value value = event.getFieldsMap().get(name);
    return value != null && value.getKindCase() == Value.KindCase.BOOL_VALUE
        ? Optional.of(value.getBoolValue())
        : Optional.empty();
  }

  private static void writeStruct(JsonGenerator generator, Struct struct) throws IOException {
    Map<String, Value> fields = struct.getFieldsMap();
    generator.writeStartObject();
    int count = fields.size();
    if (count > 0) {
      // One pass over the entries, each put in place by binary insertion: for the 10-40 fields of
      // an event this beats sorting the keys and looking each value up again (the hottest part of
      // the conversion before).
      String[] keys = new String[count];
      Value[] values = new Value[count];
      int sorted = 0;
      for (Map.Entry<String, Value> field : fields.entrySet()) {
        String key = field.getKey();
        int low = 0;
        int high = sorted;
        while (low < high) {
          int middle = (low + high) >>> 1;
          if (compareCodePoints(keys[middle], key) < 0) {
            low = middle + 1;
          } else {
            high = middle;
          }
        }
        System.arraycopy(keys, low, keys, low + 1, sorted - low);
        System.arraycopy(values, low, values, low + 1, sorted - low);
        keys[low] = key;
        values[low] = field.getValue();
        sorted++;
      }
      for (int i = 0; i < count; i++) {
        generator.writeFieldName(keys[i]);
        writeValue(generator, values[i]);
      }
    }
    generator.writeEndObject();
  }

  private static void writeList(JsonGenerator generator, ListValue list) throws IOException {
    generator.writeStartArray();
    for (int i = 0, n = list.getValuesCount(); i < n; i++) {
      writeValue(generator, list.getValues(i));
    }
    generator.writeEndArray();
  }

  private static void writeValue(JsonGenerator generator, Value value) throws IOException {
    switch (value.getKindCase()) {
      case STRING_VALUE -> generator.writeString(value.getStringValue());
      case NUMBER_VALUE -> writeNumber(generator, value.getNumberValue());
      case BOOL_VALUE -> generator.writeBoolean(value.getBoolValue());
      case STRUCT_VALUE -> writeStruct(generator, value.getStructValue());
      case LIST_VALUE -> writeList(generator, value.getListValue());
      case NULL_VALUE, KIND_NOT_SET -> generator.writeNull();
    }
  }

  private static void writeNumber(JsonGenerator generator, double value) throws IOException {
    if (value == Math.rint(value) && Math.abs(value) < TWO_POW_53) {
      // Fast path for the common case (ids, indexes, epoch seconds, codes).
      if (value == 0 && Double.doubleToRawLongBits(value) != 0) {
        generator.writeNumber("-0");
      } else {
        generator.writeNumber((long) value);
      }
    } else if (Double.isNaN(value)) {
      generator.writeString("NaN");
    } else if (Double.isInfinite(value)) {
      generator.writeString(value > 0 ? "Infinity" : "-Infinity");
    } else {
      generator.writeNumber(goFloatText(value));
    }
  }

  /**
   * A finite double as Go's protojson prints it: shortest round-trip digits, in {@code 'f'} form
   * for 1e-6 <= |v| < 1e21 and in {@code 'e'} form otherwise, exponent without leading zeros.
   */
  static String goFloatText(double value) {
    if (value == 0) {
      return Double.doubleToRawLongBits(value) == 0 ? "0" : "-0";
    }
    // Schubfach (via Jackson) gives the shortest digits that round-trip, in Java's notation.
    String java = NumberOutput.toString(value, true);
    boolean negative = java.charAt(0) == '-';
    int start = negative ? 1 : 0;
    int e = java.indexOf('E');
    int mantissaEnd = e < 0 ? java.length() : e;
    int exponent = e < 0 ? 0 : Integer.parseInt(java, e + 1, java.length(), 10);

    // Collect significant digits and where the decimal point goes: value = 0.DIGITS * 10^point.
    StringBuilder digits = new StringBuilder(20);
    int point = 0;
    boolean seenDot = false;
    for (int i = start; i < mantissaEnd; i++) {
      char c = java.charAt(i);
      if (c == '.') {
        seenDot = true;
      } else if (digits.length() == 0 && c == '0') {
        if (seenDot) {
          point--; // leading zero after the dot moves the point left
        }
      } else {
        digits.append(c);
        if (!seenDot) {
          point++;
        }
      }
    }
    while (digits.length() > 1 && digits.charAt(digits.length() - 1) == '0') {
      digits.setLength(digits.length() - 1);
    }
    point += exponent;
    if (digits.length() == 2) {
      point = shortenToOneDigit(digits, point, value);
    }

    StringBuilder out = new StringBuilder(32);
    if (negative) {
      out.append('-');
    }
    double abs = Math.abs(value);
    if (abs >= 1e-6 && abs < 1e21) {
      int n = digits.length();
      if (point <= 0) {
        out.append("0.");
        out.append("0".repeat(-point));
        out.append(digits);
      } else if (point >= n) {
        out.append(digits);
        out.append("0".repeat(point - n));
      } else {
        out.append(digits, 0, point).append('.').append(digits, point, n);
      }
    } else {
      out.append(digits.charAt(0));
      if (digits.length() > 1) {
        out.append('.').append(digits, 1, digits.length());
      }
      int decimalExponent = point - 1;
      // Only |v| >= 1e21 or < 1e-6 get here, so Go's two-digit minimum never needs padding and
      // its trimming of "e-07" to "e-7" means no leading zeros.
      out.append('e').append(decimalExponent < 0 ? '-' : '+').append(Math.abs(decimalExponent));
    }
    return out.toString();
  }

  /**
   * Java's notation never prints fewer than two digits, so where one digit would do (only among
   * subnormals: Go prints 5e-324, Java 4.9E-324) it gives the nearest two-digit decimal instead.
   * Tries the one-digit neighbours and keeps one that reads back to {@code value}.
   */
  private static int shortenToOneDigit(StringBuilder digits, int point, double value) {
    int first = digits.charAt(0) - '0';
    int roundedUp = first + 1;
    int[] candidates =
        digits.charAt(1) >= '5' ? new int[] {roundedUp, first} : new int[] {first, roundedUp};
    for (int candidate : candidates) {
      int candidatePoint = point;
      int digit = candidate;
      if (digit == 10) {
        digit = 1;
        candidatePoint++;
      }
      double back = Double.parseDouble("0." + digit + "E" + candidatePoint);
      if (Math.abs(back) == Math.abs(value)) {
        digits.setLength(0);
        digits.append((char) ('0' + digit));
        return candidatePoint;
      }
    }
    return point;
  }

  private static int compareCodePoints(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y) {
        // Surrogates (D800-DFFF) encode code points above FFFF: move them above E000-FFFF.
        if (x >= 0xD800 && y >= 0xD800) {
          return fixUp(x) - fixUp(y);
        }
        return x - y;
      }
    }
    return a.length() - b.length();
  }

  private static int fixUp(char c) {
    return c >= 0xE000 ? c - 0x800 : c + 0x2000;
  }
}
