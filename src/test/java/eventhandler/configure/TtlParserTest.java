package eventhandler.configure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TtlParserTest {
  @ParameterizedTest
  @CsvSource({
    "87600h, PT87600H",
    "720h, PT720H",
    "1h30m, PT1H30M",
    "1.5h, PT1H30M",
    ".5h, PT30M",
    "1.h, PT1H",
    "90s, PT1M30S",
    "300ms, PT0.3S",
    "1us, PT0.000001S",
    "1µs, PT0.000001S",
    "1ns, PT0.000000001S",
    "1h1m1s1ms1us1ns, PT1H1M1.001001001S",
    "0, PT0S",
    "+5m, PT5M",
    "-5m, PT-5M",
  })
  void parsesGoDurations(String text, String expected) {
    assertThat(TtlParser.parse(text)).isEqualTo(Duration.parse(expected));
  }

  @Test
  void truncatesBelowNanoseconds() {
    assertThat(TtlParser.parse("1.9ns")).isEqualTo(Duration.ofNanos(1));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "10", "h", "1d", "1y", "1..5h", "1h 30m", "-", "1H", "١h", "5m3"})
  void rejectsWhatGoRejects(String text) {
    assertThatThrownBy(() -> TtlParser.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid duration '" + text + "'");
  }

  @Test
  void rejectsOverflow() {
    assertThat(TtlParser.parse("2562047h")).isEqualTo(Duration.ofHours(2562047));
    assertThatThrownBy(() -> TtlParser.parse("2562048h"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too long");
  }
}
