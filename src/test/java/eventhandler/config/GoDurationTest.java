package eventhandler.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationTest {
  @ParameterizedTest
  @CsvSource({
    "500ms, PT0.5S",
    "10s, PT10S",
    "1m30s, PT1M30S",
    "24h, PT24H",
    "87600h, PT87600H",
    "1h2m3.5s, PT1H2M3.5S",
    "0, PT0S",
    "+0, PT0S",
    "-0, PT0S",
    "0s, PT0S",
    "-5s, PT-5S",
    "+5s, PT5S",
    ".5s, PT0.5S",
    "5.s, PT5S",
    "1.5h, PT1H30M",
    "1ns, PT0.000000001S",
    "1us, PT0.000001S",
    "1\u00b5s, PT0.000001S",
    "1\u03bcs, PT0.000001S",
    "1.5ms, PT0.0015S",
    "1h1h, PT2H",
    "2562047h, PT2562047H",
    "0.0000000001s, PT0S",
    "' 10s ', PT10S"
  })
  void parsesGoSyntax(String text, String iso) {
    assertThat(GoDuration.parse(text)).isEqualTo(Duration.parse(iso));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "-", "+", ".", ".s", "s", "1h 2m", "1.2.3s", "--1s", "1,5s"})
  void rejectsMalformedDurations(String text) {
    assertThatThrownBy(() -> GoDuration.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"" + text + "\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"10", "1h30", "5.5"})
  void numberWithoutUnitNamesTheMissingUnit(String text) {
    assertThatThrownBy(() -> GoDuration.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("missing unit in duration \"" + text + "\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1d", "10sec", "1H", "1M"})
  void unknownUnitsAreNamed(String text) {
    assertThatThrownBy(() -> GoDuration.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("unknown unit");
  }

  @ParameterizedTest
  @ValueSource(strings = {"2562048h", "9223372036854775808ns", "99999999999999999999999h"})
  void durationsBeyondGoRangeAreRefused(String text) {
    assertThatThrownBy(() -> GoDuration.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too long");
  }

  @ParameterizedTest
  @CsvSource({
    "PT0S, 0s",
    "PT0.000000001S, 1ns",
    "PT0.0000015S, 1.5\u00b5s",
    "PT0.0015S, 1.5ms",
    "PT0.5S, 500ms",
    "PT1S, 1s",
    "PT1.5S, 1.5s",
    "PT1M30S, 1m30s",
    "PT1H, 1h0m0s",
    "PT24H, 24h0m0s",
    "PT87600H, 87600h0m0s",
    "PT1H2M3.5S, 1h2m3.5s",
    "PT-5S, -5s",
    "PT-0.5S, -500ms"
  })
  void formatsLikeGo(String iso, String expected) {
    assertThat(GoDuration.format(Duration.parse(iso))).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"1ns", "999ns", "1.001ms", "59.999999999s", "1h0m0.000000001s", "2562047h"})
  void formatAndParseRoundTrip(String text) {
    Duration d = GoDuration.parse(text);
    assertThat(GoDuration.parse(GoDuration.format(d))).isEqualTo(d);
  }
}
