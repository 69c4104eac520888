package eventhandler.sim.fluentd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FluentdTimeFormatTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "2022-09-21T18:51:04.849Z",
        "2022-09-21T18:51:04Z",
        "2022-09-21T18:51:04+02:00",
        "2022-09-21T18:51:04",
        "2022-9-1T8:5:4 trailing text is ignored"
      })
  void acceptsTheFormatPrefix(String value) {
    assertThat(FluentdTimeFormat.parses(value)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "yesterday",
        "",
        "2022-09-21",
        "2022-09-21 18:51:04",
        "2022-13-21T18:51:04",
        "2022-09-21T18:61:04",
        "1663786264"
      })
  void refusesAnythingElse(String value) {
    assertThat(FluentdTimeFormat.parses(value)).isFalse();
  }
}
