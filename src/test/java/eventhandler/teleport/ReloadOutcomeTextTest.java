package eventhandler.teleport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReloadOutcomeTextTest {
  @Test
  void logLinesSayTheOutcomeInWords() {
    assertThat(ReloadableCredentials.Outcome.UNCHANGED).hasToString("unchanged");
    assertThat(ReloadableCredentials.Outcome.CHANGED)
        .hasToString("changed, the new certificate is in use");
    assertThat(ReloadableCredentials.Outcome.FAILED)
        .hasToString("failed, the previous certificate stays in use");
  }
}
