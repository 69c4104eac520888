package eventhandler.configure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class QuotingTest {
  @Test
  void doubleQuotedEscapesBackslashQuoteAndControls() {
    assertThat(Quoting.doubleQuoted("C:\\dir\\\"x\"\t")).isEqualTo("C:\\\\dir\\\\\\\"x\\\"\\u0009");
  }

  @Test
  void fluentdSingleQuotedEscapesOnlyQuoteAndBackslash() {
    assertThat(Quoting.fluentdSingleQuoted("it's #{x} \\ \"y\""))
        .isEqualTo("it\\'s #{x} \\\\ \"y\"");
  }

  @Test
  void fluentdValuesCannotSpanLines() {
    assertThatThrownBy(() -> Quoting.fluentdSingleQuoted("a\nb"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
