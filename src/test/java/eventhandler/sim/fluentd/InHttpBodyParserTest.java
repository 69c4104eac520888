package eventhandler.sim.fluentd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class InHttpBodyParserTest {
  private static InHttpBodyParser.Parsed parse(String body) {
    return InHttpBodyParser.parse(body.getBytes(StandardCharsets.UTF_8));
  }

  private static String record(String body, InHttpBodyParser.Parsed parsed, int i) {
    return body.substring(parsed.start(i), parsed.end(i));
  }

  @Test
  void oneObjectIsOneRecord() {
    String body = "  {\"a\":{\"b\":[1,2]},\"time\":\"2022-09-21T18:51:04.849Z\"}\n";
    InHttpBodyParser.Parsed parsed = parse(body);
    assertThat(parsed.ok()).isTrue();
    assertThat(parsed.array()).isFalse();
    assertThat(parsed.count()).isEqualTo(1);
    assertThat(record(body, parsed, 0))
        .isEqualTo("{\"a\":{\"b\":[1,2]},\"time\":\"2022-09-21T18:51:04.849Z\"}");
  }

  @Test
  void anArrayOfObjectsIsThatManyRecords() {
    StringBuilder body = new StringBuilder("[");
    for (int i = 0; i < 40; i++) {
      body.append(i == 0 ? "" : ", ").append("{\"i\":").append(i).append(",\"n\":{\"x\":\"}\"}}");
    }
    body.append("]");
    InHttpBodyParser.Parsed parsed = parse(body.toString());
    assertThat(parsed.ok()).isTrue();
    assertThat(parsed.array()).isTrue();
    assertThat(parsed.count()).isEqualTo(40);
    assertThat(record(body.toString(), parsed, 39)).isEqualTo("{\"i\":39,\"n\":{\"x\":\"}\"}}");
  }

  @Test
  void anEmptyArrayIsNoRecords() {
    InHttpBodyParser.Parsed parsed = parse("[]");
    assertThat(parsed.ok()).isTrue();
    assertThat(parsed.count()).isZero();
  }

  @Test
  void malformedOrEmptyBodiesAreNotJson() {
    for (String body : new String[] {"{bad", "", "  ", "{\"a\":1}\n{\"b\":2}", "json={}"}) {
      InHttpBodyParser.Parsed parsed = parse(body);
      assertThat(parsed.errorStatus()).as(body).isEqualTo(400);
      assertThat(parsed.errorMessage()).isEqualTo("Received event is not json: " + body);
    }
  }

  @Test
  void anythingButAnObjectIsAServerError() {
    assertThat(parse("42").errorStatus()).isEqualTo(500);
    assertThat(parse("42").errorMessage()).isEqualTo("record must be a Hash: Integer");
    assertThat(parse("\"x\"").errorMessage()).isEqualTo("record must be a Hash: String");
    InHttpBodyParser.Parsed mixed = parse("[{\"a\":1},2]");
    assertThat(mixed.errorStatus()).isEqualTo(500);
    assertThat(mixed.errorMessage()).isEqualTo("record must be a Hash: Integer");
    assertThat(parse("[[{\"a\":1}]]").errorMessage()).isEqualTo("record must be a Hash: Array");
  }

  @Test
  void malformedJsonWinsOverOtherErrors() {
    assertThat(parse("[2, {\"a\":").errorStatus()).isEqualTo(400);
  }

  @Test
  void aTimeThatDoesNotParseRefusesTheWholeRequest() {
    InHttpBodyParser.Parsed parsed =
        parse("[{\"time\":\"2022-09-21T18:51:04Z\"},{\"time\":\"yesterday\"}]");
    assertThat(parsed.errorStatus()).isEqualTo(400);
    assertThat(parsed.errorMessage()).startsWith("invalid time format: value = yesterday");
  }

  @Test
  void aNumericTimeIsRefused() {
    InHttpBodyParser.Parsed parsed = parse("{\"time\":1663786264}");
    assertThat(parsed.errorStatus()).isEqualTo(400);
    assertThat(parsed.errorMessage()).isEqualTo("value must be string: 1663786264");
  }

  @Test
  void onlyTheTopLevelTimeFieldCounts() {
    InHttpBodyParser.Parsed parsed = parse("{\"inner\":{\"time\":\"never\"},\"time\":null}");
    assertThat(parsed.ok()).isTrue();
  }
}
