package eventhandler.event;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Comparator;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EventJsonTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  // Keys deliberately out of order; every kind of value; numbers Go prints in different ways.
  static final String REPRESENTATIVE_EVENT =
      "{\"event\":\"session.upload\",\"uid\":\"a1b2\",\"code\":\"T2005I\","
          + "\"time\":\"2024-10-16T10:00:00.123Z\",\"ei\":5,\"cluster_name\":\"example.com\","
          + "\"sid\":\"5f1a\",\"addr.remote\":\"127.0.0.1:51234\",\"success\":false,"
          + "\"ratio\":0.25,\"big\":1663786264,\"tiny\":1.5e-7,\"huge\":1e21,\"neg\":-3,"
          + "\"nested\":{\"z\":[1,2.5,\"x\",null,true,{\"b\":1,\"a\":2}],\"a\":{}},"
          + "\"empty_list\":[],\"unicode\":\"h\\u00e9llo \\u4e16\\u754c \\ud83d\\ude00\","
          + "\"escapes\":\"quote\\\" backslash\\\\ newline\\n tab\\t ctrl\\u0001 del\\u007f"
          + " slash/ <tag>&\",\"nothing\":null}";

  @Test
  void printsARepresentativeEventExactlyAsGoProtojson() throws IOException {
    Struct event = parse(REPRESENTATIVE_EVENT);

    String json = new String(EventJson.toJson(event), UTF_8);

    assertThat(json)
        .isEqualTo(
            "{\"addr.remote\":\"127.0.0.1:51234\",\"big\":1663786264,"
                + "\"cluster_name\":\"example.com\",\"code\":\"T2005I\",\"ei\":5,\"empty_list\":[],"
                + "\"escapes\":\"quote\\\" backslash\\\\ newline\\n tab\\t ctrl\\u0001 del\u007f"
                + " slash/ <tag>&\",\"event\":\"session.upload\",\"huge\":1e+21,\"neg\":-3,"
                + "\"nested\":{\"a\":{},\"z\":[1,2.5,\"x\",null,true,{\"a\":2,\"b\":1}]},"
                + "\"nothing\":null,\"ratio\":0.25,\"sid\":\"5f1a\",\"success\":false,"
                + "\"time\":\"2024-10-16T10:00:00.123Z\",\"tiny\":1.5e-7,\"uid\":\"a1b2\","
                + "\"unicode\":\"h\u00e9llo \u4e16\u754c \ud83d\ude00\"}");
  }

  @Test
  void writesSupplementaryCharactersAsFourByteUtf8() {
    Struct event = Struct.newBuilder().putFields("e", string("\ud83d\ude00")).build();

    assertThat(EventJson.toJson(event))
        .containsExactly('{', '"', 'e', '"', ':', '"', 0xF0, 0x9F, 0x98, 0x80, '"', '}');
  }

  @Test
  void escapesControlCharactersInLowerCaseHexLikeGo() {
    Struct event = Struct.newBuilder().putFields("c", string("\u001f\u0000\b\f\r")).build();

    assertThat(new String(EventJson.toJson(event), UTF_8))
        .isEqualTo("{\"c\":\"\\u001f\\u0000\\b\\f\\r\"}");
  }

  @Test
  void sortsKeysByCodePointAsGoSortsUtf8Bytes() {
    Struct event =
        Struct.newBuilder()
            .putFields("\ud83d\ude00", string("emoji"))
            .putFields("\ufffd", string("replacement"))
            .putFields("Z", string("upper"))
            .putFields("a", string("lower"))
            .build();

    assertThat(new String(EventJson.toJson(event), UTF_8))
        .isEqualTo(
            "{\"Z\":\"upper\",\"a\":\"lower\",\"\ufffd\":\"replacement\",\"\ud83d\ude00\":\"emoji\"}");
  }

  @Test
  void printsNumbersAsGoPrintsAFloat64() {
    assertThat(EventJson.goFloatText(0.1)).isEqualTo("0.1");
    assertThat(EventJson.goFloatText(-2.5)).isEqualTo("-2.5");
    assertThat(EventJson.goFloatText(12345678.9)).isEqualTo("12345678.9");
    assertThat(EventJson.goFloatText(0.000123)).isEqualTo("0.000123");
    assertThat(EventJson.goFloatText(1e-6)).isEqualTo("0.000001");
    assertThat(EventJson.goFloatText(1.5e-7)).isEqualTo("1.5e-7");
    assertThat(EventJson.goFloatText(1.2345678e-10)).isEqualTo("1.2345678e-10");
    assertThat(EventJson.goFloatText(1e20)).isEqualTo("100000000000000000000");
    assertThat(EventJson.goFloatText(Math.pow(2, 60))).isEqualTo("1152921504606847000");
    assertThat(EventJson.goFloatText(1e21)).isEqualTo("1e+21");
    assertThat(EventJson.goFloatText(-1.25e100)).isEqualTo("-1.25e+100");
    assertThat(EventJson.goFloatText(Double.MAX_VALUE)).isEqualTo("1.7976931348623157e+308");
    assertThat(EventJson.goFloatText(Double.MIN_VALUE)).isEqualTo("5e-324");
    assertThat(EventJson.goFloatText(-0.0)).isEqualTo("-0");

    assertThat(json(number(5))).isEqualTo("{\"n\":5}");
    assertThat(json(number(-0.0))).isEqualTo("{\"n\":-0}");
    assertThat(json(number(9007199254740991.0))).isEqualTo("{\"n\":9007199254740991}");
    assertThat(json(number(Double.NaN))).isEqualTo("{\"n\":\"NaN\"}");
    assertThat(json(number(Double.NEGATIVE_INFINITY))).isEqualTo("{\"n\":\"-Infinity\"}");
  }

  @Test
  void everyFiniteDoubleReadsBackExactly() {
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 50_000; i++) {
      double value = Double.longBitsToDouble(random.nextLong());
      if (!Double.isFinite(value)) {
        continue;
      }
      String text = EventJson.goFloatText(value);
      assertThat(Double.parseDouble(text)).as(text).isEqualTo(value);
      assertThat(text).doesNotContain("E").doesNotEndWith(".0");
    }
  }

  @Test
  void matchesJavaJsonFormatSemantically() throws IOException {
    Struct event = parse(REPRESENTATIVE_EVENT);

    JsonNode ours = MAPPER.readTree(EventJson.toJson(event));
    JsonNode theirs = MAPPER.readTree(JsonFormat.printer().print(event));

    Comparator<JsonNode> numbersByValue =
        (a, b) ->
            a.isNumber() && b.isNumber()
                ? Double.compare(a.doubleValue(), b.doubleValue())
                : a.equals(b) ? 0 : 1;
    assertThat(ours.equals(numbersByValue, theirs)).as(ours + " vs " + theirs).isTrue();
  }

  @Test
  void writesToAStreamWithoutClosingIt() throws IOException {
    Struct event = parse(REPRESENTATIVE_EVENT);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write('[');

    EventJson.writeTo(event, out);
    out.write(']');

    assertThat(out.toString(UTF_8))
        .isEqualTo("[" + new String(EventJson.toJson(event), UTF_8) + "]");
  }

  @Test
  void readsTopLevelFieldsCheaply() throws IOException {
    Struct event = parse("{\"sid\":\"abc\",\"success\":false,\"ei\":3,\"user\":\"alice\"}");

    assertThat(EventJson.fieldString(event, "sid")).contains("abc");
    assertThat(EventJson.fieldString(event, "user")).contains("alice");
    assertThat(EventJson.fieldString(event, "login")).isEmpty();
    assertThat(EventJson.fieldString(event, "ei")).as("not a string").isEmpty();
    assertThat(EventJson.fieldBool(event, "success")).contains(false);
    assertThat(EventJson.fieldBool(event, "sid")).as("not a bool").isEmpty();
  }

  @Test
  void emptyStructAndUnsetValue() {
    assertThat(new String(EventJson.toJson(Struct.getDefaultInstance()), UTF_8)).isEqualTo("{}");
    Struct event =
        Struct.newBuilder()
            .putFields("unset", Value.getDefaultInstance())
            .putFields(
                "list", Value.newBuilder().setListValue(ListValue.getDefaultInstance()).build())
            .putFields("null", Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build())
            .build();
    assertThat(new String(EventJson.toJson(event), UTF_8))
        .isEqualTo("{\"list\":[],\"null\":null,\"unset\":null}");
  }

  static Struct parse(String json) throws IOException {
    Struct.Builder builder = Struct.newBuilder();
    JsonFormat.parser().merge(json, builder);
    return builder.build();
  }

  private static String json(Value value) {
    return new String(EventJson.toJson(Struct.newBuilder().putFields("n", value).build()), UTF_8);
  }

  private static Value number(double value) {
    return Value.newBuilder().setNumberValue(value).build();
  }

  private static Value string(String value) {
    return Value.newBuilder().setStringValue(value).build();
  }
}
