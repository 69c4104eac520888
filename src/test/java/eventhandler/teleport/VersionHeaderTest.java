package eventhandler.teleport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The version sent: accepted by v17-v19 Auth Services that refuse old clients, newer if known. */
class VersionHeaderTest {
  /** An Auth Service of {@code major} refusing old clients wants at least (major - 1).0.0. */
  private static boolean accepts(int major, String sent) {
    return Integer.parseInt(sent.split("\\.")[0]) >= major - 1;
  }

  @Test
  void withoutAServerVersionTheFloorIsSentAndV17ToV19AcceptIt() {
    String sent = VersionHeader.choose(Optional.empty());
    assertThat(sent).isEqualTo(VersionHeader.FLOOR).matches("\\d+\\.\\d+\\.\\d+");
    for (int major = 17; major <= 19; major++) {
      assertThat(accepts(major, sent)).as("v%d", major).isTrue();
    }
  }

  @Test
  void aNewerServerVersionIsSentWithoutItsPreReleasePart() {
    assertThat(VersionHeader.choose(Optional.of("20.1.3-dev.5"))).isEqualTo("20.1.3");
    assertThat(VersionHeader.choose(Optional.of("v18.2.0"))).isEqualTo("18.2.0");
    assertThat(accepts(21, VersionHeader.choose(Optional.of("21.0.0")))).isTrue();
  }

  @Test
  void anOlderOrGarbledServerVersionKeepsTheFloor() {
    assertThat(VersionHeader.choose(Optional.of("16.4.12"))).isEqualTo(VersionHeader.FLOOR);
    assertThat(VersionHeader.choose(Optional.of("not a version"))).isEqualTo(VersionHeader.FLOOR);
  }
}
