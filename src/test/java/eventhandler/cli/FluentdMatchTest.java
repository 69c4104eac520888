package eventhandler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The helper routes tags as Fluentd's documentation says a {@code <match>} pattern does. */
class FluentdMatchTest {
  @Test
  void onePartStarManyPartsDoubleStarAndChoices() {
    assertThat(FluentdMatch.route(List.of("session.*.log"), "session.abc.log")).isNotNull();
    assertThat(FluentdMatch.route(List.of("session.*.log"), "session.log.abc.log")).isNull();
    assertThat(FluentdMatch.route(List.of("a.**"), "a")).isNotNull();
    assertThat(FluentdMatch.route(List.of("a.**"), "a.b.c")).isNotNull();
    assertThat(FluentdMatch.route(List.of("a.**"), "ab")).isNull();
    assertThat(FluentdMatch.route(List.of("{x,y}.log"), "y.log")).isNotNull();
    assertThat(FluentdMatch.route(List.of("test.log"), "events.log")).isNull();
    assertThat(FluentdMatch.route(List.of("a b"), "b")).isEqualTo("a b");
  }
}
