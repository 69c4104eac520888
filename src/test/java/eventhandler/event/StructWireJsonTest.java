package eventhandler.event;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import eventhandler.sim.SimulatedCluster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The wire-format printer must give exactly what {@link EventJson} gives for the same Struct. */
class StructWireJsonTest {
  @Test
  void printsTheRepresentativeEventLikeEventJson() throws IOException {
    Struct.Builder builder = Struct.newBuilder();
    JsonFormat.parser().merge(EventJsonTest.REPRESENTATIVE_EVENT, builder);

    assertSame(builder.build());
  }

  @Test
  void printsEverySimulatedAuditEventLikeEventJson() throws IOException {
    SimulatedCluster cluster =
        SimulatedCluster.builder().seed(11).events(3_000).sessionShare(0.2).build();
    for (int i = 0; i < 3_000; i++) {
      assertSame(cluster.auditEvent(i).getUnstructured());
    }
  }

  @Test
  void randomStructsPrintLikeEventJson() throws IOException {
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 3_000; i++) {
      assertSame(randomStruct(random, 0));
    }
  }

  @Test
  void aKeyGivenTwiceKeepsTheLaterValueAsProtobufDoes() throws IOException {
    byte[] first = struct("a", Value.newBuilder().setStringValue("old").build()).toByteArray();
    byte[] second = struct("a", Value.newBuilder().setNumberValue(2).build()).toByteArray();
    byte[] both = concat(first, second);

    assertThat(new String(StructWireJson.toJson(both), UTF_8)).isEqualTo("{\"a\":2}");
    assertThat(StructWireJson.toJson(both)).isEqualTo(EventJson.toJson(Struct.parseFrom(both)));
  }

  @Test
  void aValueWithTwoKindsKeepsTheLaterAsProtobufDoes() throws IOException {
    byte[] value =
        concat(
            Value.newBuilder().setStringValue("x").build().toByteArray(),
            Value.newBuilder().setBoolValue(true).build().toByteArray());
    // Struct { fields = 1: entry { key = 1: "k", value = 2: <value> } }
    ByteArrayOutputStream entry = new ByteArrayOutputStream();
    entry.write(0x0A);
    entry.write(1);
    entry.write('k');
    entry.write(0x12);
    entry.write(value.length);
    entry.writeBytes(value);
    byte[] entryBytes = entry.toByteArray();
    byte[] struct = concat(new byte[] {0x0A, (byte) entryBytes.length}, entryBytes);

    assertThat(new String(StructWireJson.toJson(struct), UTF_8)).isEqualTo("{\"k\":true}");
  }

  @Test
  void anEntryWithoutAValueIsNullAndUnknownFieldsAreIgnored() throws IOException {
    // entry { key: "k" } and an unknown varint field 9 in the Struct
    byte[] struct = {0x0A, 3, 0x0A, 1, 'k', 0x48, 0x05};

    assertThat(new String(StructWireJson.toJson(struct), UTF_8)).isEqualTo("{\"k\":null}");
    assertThat(StructWireJson.toJson(struct)).isEqualTo(EventJson.toJson(Struct.parseFrom(struct)));
  }

  @Test
  void invalidUtf8AndTruncatedInputFailAsProtobufFails() {
    byte[] invalid =
        struct("k", Value.newBuilder().setStringValue("ab").build()).toByteArray().clone();
    invalid[invalid.length - 1] = (byte) 0xFF;
    byte[] truncated =
        Arrays.copyOf(
            struct("k", Value.newBuilder().setStringValue("abc").build()).toByteArray(), 6);

    assertThatThrownBy(() -> StructWireJson.toJson(invalid))
        .isInstanceOf(InvalidProtocolBufferException.class);
    assertThatThrownBy(() -> StructWireJson.toJson(truncated))
        .isInstanceOf(InvalidProtocolBufferException.class);
  }

  @Test
  void printsARangeOfALargerBuffer() throws IOException {
    byte[] struct = struct("a", Value.newBuilder().setBoolValue(false).build()).toByteArray();
    byte[] padded = concat(concat(new byte[] {1, 2, 3}, struct), new byte[] {4, 5});

    assertThat(new String(StructWireJson.toJson(padded, 3, 3 + struct.length), UTF_8))
        .isEqualTo("{\"a\":false}");
  }

  @Test
  void validatesUtf8AsProtobufDoes() {
    SplittableRandom random = new SplittableRandom(7);
    byte[] interesting = {
      0x41,
      (byte) 0x80,
      (byte) 0xBF,
      (byte) 0xC0,
      (byte) 0xC1,
      (byte) 0xC2,
      (byte) 0xDF,
      (byte) 0xE0,
      (byte) 0xED,
      (byte) 0xEF,
      (byte) 0xF0,
      (byte) 0xF4,
      (byte) 0xF5,
      (byte) 0xFF,
      (byte) 0x9F,
      (byte) 0xA0,
      (byte) 0x8F,
      (byte) 0x90
    };
    for (int i = 0; i < 200_000; i++) {
      byte[] bytes = new byte[random.nextInt(6)];
      for (int k = 0; k < bytes.length; k++) {
        bytes[k] = interesting[random.nextInt(interesting.length)];
      }
      assertThat(StructWireJson.isValidUtf8(bytes, 0, bytes.length))
          .as(Arrays.toString(bytes))
          .isEqualTo(com.google.protobuf.ByteString.copyFrom(bytes).isValidUtf8());
    }
  }

  private static void assertSame(Struct struct) throws InvalidProtocolBufferException {
    byte[] expected = EventJson.toJson(struct);
    byte[] actual = StructWireJson.toJson(struct.toByteArray());
    assertThat(new String(actual, UTF_8)).isEqualTo(new String(expected, UTF_8));
    assertThat(actual).isEqualTo(expected);
  }

  private static Struct struct(String key, Value value) {
    return Struct.newBuilder().putFields(key, value).build();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] result = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, result, a.length, b.length);
    return result;
  }

  private static Struct randomStruct(SplittableRandom random, int depth) {
    Struct.Builder builder = Struct.newBuilder();
    int fields = random.nextInt(depth == 0 ? 30 : 5);
    for (int i = 0; i < fields; i++) {
      builder.putFields(randomString(random, 8), randomValue(random, depth));
    }
    return builder.build();
  }

  private static Value randomValue(SplittableRandom random, int depth) {
    int kind = random.nextInt(depth < 3 ? 8 : 6);
    return switch (kind) {
      case 0 -> Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
      case 1 -> Value.newBuilder().setNumberValue(randomNumber(random)).build();
      case 2, 3 -> Value.newBuilder().setStringValue(randomString(random, 30)).build();
      case 4 -> Value.newBuilder().setBoolValue(random.nextBoolean()).build();
      case 5 -> Value.getDefaultInstance();
      case 6 -> Value.newBuilder().setStructValue(randomStruct(random, depth + 1)).build();
      default -> {
        ListValue.Builder list = ListValue.newBuilder();
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) {
          list.addValues(randomValue(random, depth + 1));
        }
        yield Value.newBuilder().setListValue(list).build();
      }
    };
  }

  private static double randomNumber(SplittableRandom random) {
    return switch (random.nextInt(8)) {
      case 0 -> random.nextInt(-1000, 1000);
      case 1 -> random.nextLong(1L << 52);
      case 2 -> -0.0;
      case 3 -> Double.NaN;
      case 4 -> random.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
      case 5 -> Double.longBitsToDouble(random.nextLong());
      case 6 -> random.nextDouble() * Math.pow(10, random.nextInt(-30, 30));
      default -> 1e21 * random.nextInt(1, 10);
    };
  }

  /** Mostly ASCII with control characters, quotes, backslashes, and characters of every size. */
  private static String randomString(SplittableRandom random, int maxLength) {
    int length = random.nextInt(maxLength + 1);
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      switch (random.nextInt(10)) {
        case 0 -> text.append((char) random.nextInt(0x20));
        case 1 -> text.append(random.nextBoolean() ? '"' : '\\');
        case 2 -> text.append((char) random.nextInt(0x80, 0x800));
        case 3 -> text.append((char) random.nextInt(0xE000, 0x10000));
        case 4 -> text.appendCodePoint(random.nextInt(0x10000, 0x110000));
        case 5 -> text.append((char) random.nextInt(0x800, 0xD800));
        default -> text.append((char) random.nextInt(0x20, 0x7F));
      }
    }
    return text.toString();
  }
}
