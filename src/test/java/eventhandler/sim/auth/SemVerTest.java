package eventhandler.sim.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SemVerTest {
  @Test
  void sortsAsSemverSays() {
    // The precedence example of semver.org section 11, plus numeric parts beyond one digit.
    List<String> ordered =
        List.of(
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.1",
            "1.2.0",
            "1.10.0",
            "10.0.0");
    List<SemVer> shuffled = new ArrayList<>(ordered.stream().map(SemVerTest::parse).toList());
    Collections.reverse(shuffled);
    Collections.sort(shuffled);
    assertThat(shuffled.stream().map(SemVer::toString).toList()).isEqualTo(ordered);
  }

  @Test
  void buildMetadataIsIgnored() {
    assertThat(parse("1.2.3+build.5")).isEqualByComparingTo(parse("1.2.3"));
  }

  @Test
  void theOldestSupportedClientLetsPreReleasesOfThePreviousMajorIn() {
    SemVer oldest = parse("19.2.1").oldestSupportedClient();
    assertThat(oldest).hasToString("18.0.0-aa");
    assertThat(parse("18.0.0-alpha.1")).isGreaterThan(oldest);
    assertThat(parse("18.0.0-a")).isLessThan(oldest);
    assertThat(parse("17.7.7")).isLessThan(oldest);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "garbage", "v1.2.3", "1.2", "1.2.3.4", "1.2.3-", "1.2.3-a..b", " 1.2.3"})
  void rejectsWhatIsNotSemver(String text) {
    assertThat(SemVer.parse(text)).isEmpty();
  }

  private static SemVer parse(String text) {
    return SemVer.parse(text).orElseThrow();
  }
}
