package eventhandler.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CountedTest {
  @Test
  void oneIsSingularEverythingElsePlural() {
    assertThat(Counted.of(1, "batch", "batches")).isEqualTo("1 batch");
    assertThat(Counted.of(0, "batch", "batches")).isEqualTo("0 batches");
    assertThat(Counted.of(2, "batch", "batches")).isEqualTo("2 batches");
  }
}
