package eventhandler.sink;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FluentdVerdictTest {
  @Test
  void successIsAny2xx() {
    assertThat(FluentdVerdict.of(200, "")).isEqualTo(FluentdVerdict.ACCEPTED);
    assertThat(FluentdVerdict.of(204, "")).isEqualTo(FluentdVerdict.ACCEPTED);
  }

  @Test
  void contentRefusalsAreNotRetried() {
    assertThat(FluentdVerdict.of(400, "400 Bad Request\nReceived event is not json: x\n"))
        .isEqualTo(FluentdVerdict.REFUSED);
    assertThat(FluentdVerdict.of(413, "Too large")).isEqualTo(FluentdVerdict.REFUSED);
    assertThat(
            FluentdVerdict.of(500, "500 Internal Server Error\nrecord must be a Hash: Integer\n"))
        .isEqualTo(FluentdVerdict.REFUSED);
    assertThat(
            FluentdVerdict.of(
                500,
                "500 Internal Server Error\na 9000000 bytes record (nth: 0) is larger than buffer"
                    + " chunk limit size (8388608)\n"))
        .isEqualTo(FluentdVerdict.REFUSED);
  }

  @Test
  void everythingElseIsRetried() {
    assertThat(
            FluentdVerdict.of(500, "500 Internal Server Error\nbuffer space has too many data\n"))
        .isEqualTo(FluentdVerdict.RETRY);
    assertThat(FluentdVerdict.of(503, "")).isEqualTo(FluentdVerdict.RETRY);
    assertThat(FluentdVerdict.of(429, "")).isEqualTo(FluentdVerdict.RETRY);
    assertThat(FluentdVerdict.of(404, "")).isEqualTo(FluentdVerdict.RETRY);
    assertThat(FluentdVerdict.of(302, "")).isEqualTo(FluentdVerdict.RETRY);
  }

  @Test
  void theGistOfARefusalLeavesOutTheEvent() {
    assertThat(FluentdVerdict.gist("400 Bad Request\nReceived event is not json: {\"secret\":1}\n"))
        .isEqualTo("Received event is not json");
    assertThat(FluentdVerdict.gist("400 Bad Request\ninvalid time format: value = x, ...\n"))
        .isEqualTo("invalid time format");
    assertThat(FluentdVerdict.gist("Too large")).isEqualTo("Too large");
  }
}
