package eventhandler.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValueTypesTest {
  @ParameterizedTest
  @CsvSource({
    "2021-05-05T00:00:00Z, 2021-05-05T00:00:00Z",
    "2021-05-05T00:00:00.999999Z, 2021-05-05T00:00:00Z",
    "2021-05-05T02:30:15.5+02:00, 2021-05-05T00:30:15Z",
    "1969-12-31T23:59:59.5Z, 1969-12-31T23:59:59Z"
  })
  void startTimeIsRfc3339TruncatedToWholeSeconds(String text, String expected) {
    assertThat(ValueType.TIMESTAMP.parse(text)).isEqualTo(Instant.parse(expected));
  }

  @ParameterizedTest
  @ValueSource(strings = {"2021-05-05", "2021-05-05T00:00:00", "yesterday", "1620172800"})
  void startTimeNeedsDateTimeAndOffset(String text) {
    assertThatThrownBy(() -> ValueType.TIMESTAMP.parse(text))
        .hasMessageContaining("RFC 3339")
        .hasMessageContaining(text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "t", "T", "true", "TRUE", "True"})
  void acceptsGoTrueSpellings(String text) {
    assertThat(ValueType.BOOLEAN.parse(text)).isEqualTo(true);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "f", "F", "false", "FALSE", "False"})
  void acceptsGoFalseSpellings(String text) {
    assertThat(ValueType.BOOLEAN.parse(text)).isEqualTo(false);
  }

  @ParameterizedTest
  @ValueSource(strings = {"yes", "on", "", "tRuE"})
  void refusesOtherBooleans(String text) {
    assertThatThrownBy(() -> ValueType.BOOLEAN.parse(text)).hasMessageContaining("true or false");
  }

  @Test
  void listsSplitOnCommasAndDropBlanks() {
    assertThat(ValueType.LIST.parse(" user.login, session.start ,,"))
        .isEqualTo(List.of("user.login", "session.start"));
    assertThat(ValueType.LIST.parse("")).isEqualTo(List.of());
  }

  @Test
  void httpsUrlsNeedTheSchemeAndAHost() {
    assertThat(ValueType.HTTPS_URL.parse("https://fluentd.example.com:8888/test.log"))
        .isEqualTo(URI.create("https://fluentd.example.com:8888/test.log"));
    assertThat(ValueType.HTTPS_URL.parse("HTTPS://[::1]:8888/x")).isNotNull();
    for (String bad : List.of("http://fluentd:8888/x", "https:///x", "fluentd:8888", "x y")) {
      assertThatThrownBy(() -> ValueType.HTTPS_URL.parse(bad))
          .hasMessageContaining("expected an https URL with a host");
    }
  }

  @Test
  void urlPasswordsAreMaskedEvenInErrors() {
    assertThat(ValueType.HTTPS_URL.mask("https://bob:s3cret@fluentd:8888/x?y=1"))
        .isEqualTo("https://bob:***@fluentd:8888/x?y=***");
    assertThat(ValueType.HTTPS_URL.mask("https://tok3n@fluentd/x"))
        .isEqualTo("https://***@fluentd/x");
    assertThat(ValueType.HTTPS_URL.mask("https://fluentd/x@y")).isEqualTo("https://fluentd/x@y");
    assertThat(ValueType.HTTPS_URL.format(ValueType.HTTPS_URL.parse("https://a:b@h/p")))
        .isEqualTo("https://a:***@h/p");
    assertThatThrownBy(() -> ValueType.HTTPS_URL.parse("http://bob:s3cret@fluentd/x"))
        .hasMessageContaining("http://bob:***@fluentd/x")
        .message()
        .doesNotContain("s3cret");
  }

  @Test
  void queryValuesAreMaskedNamesKept() {
    assertThat(ValueType.HTTPS_URL.mask("https://fluentd:8888/test.log?token=s3cret&x=1#top"))
        .isEqualTo("https://fluentd:8888/test.log?token=***&x=***#top");
    assertThat(ValueType.HTTPS_URL.mask("https://fluentd/test.log?flag"))
        .isEqualTo("https://fluentd/test.log?flag");
    assertThat(ValueType.HTTPS_URL.format(ValueType.HTTPS_URL.parse("https://h/p?token=abc")))
        .isEqualTo("https://h/p?token=***");
  }

  @ParameterizedTest
  @CsvSource({
    "4194304, 4194304",
    "4MiB, 4194304",
    "4 MiB, 4194304",
    "512KiB, 524288",
    "1GiB, 1073741824",
    "1kb, 1000",
    "2MB, 2000000",
    "100B, 100",
    "0, 0"
  })
  void sizes(String text, long bytes) {
    assertThat(ByteSize.parse(text)).isEqualTo(bytes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"4.5MiB", "-1", "4XB", "MiB", "99999999999GiB"})
  void badSizes(String text) {
    assertThatThrownBy(() -> ByteSize.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sizesFormatWithTheLargestExactUnit() {
    assertThat(ByteSize.format(4 * ByteSize.MIB)).isEqualTo("4MiB");
    assertThat(ByteSize.format(ByteSize.KIB * 3)).isEqualTo("3KiB");
    assertThat(ByteSize.format(1000)).isEqualTo("1000");
    assertThat(ByteSize.format(2 * ByteSize.GIB)).isEqualTo("2GiB");
  }

  @Test
  void hostPorts() {
    assertThat(HostPort.parse("teleport.example.com:443", false))
        .isEqualTo(new HostPort("teleport.example.com", 443));
    assertThat(HostPort.parse("[::1]:3025", false)).isEqualTo(new HostPort("::1", 3025));
    assertThat(HostPort.parse("[::1]:3025", false).toString()).isEqualTo("[::1]:3025");
    assertThat(HostPort.parse(":9090", true)).isEqualTo(new HostPort("", 9090));
    assertThatThrownBy(() -> HostPort.parse(":9090", false))
        .hasMessageContaining("host is missing");
    assertThatThrownBy(() -> HostPort.parse("teleport.example.com", false))
        .hasMessageContaining("port");
    assertThatThrownBy(() -> HostPort.parse("https://teleport.example.com:443", false))
        .hasMessageContaining("without a scheme");
    assertThatThrownBy(() -> HostPort.parse("h:70000", false)).hasMessageContaining("0..65535");
    assertThatThrownBy(() -> HostPort.parse("h:x", false)).hasMessageContaining("invalid port");
    assertThatThrownBy(() -> HostPort.parse("::1:3025", false)).hasMessageContaining("brackets");
  }

  @Test
  void addressErrorsShowAnExampleOfTheirKind() {
    assertThatThrownBy(() -> ValueType.LISTEN_ADDRESS.parse("abc"))
        .hasMessage("expected host:port with a port number, like 127.0.0.1:9090, got \"abc\"");
    assertThatThrownBy(() -> ValueType.HOST_PORT.parse("abc"))
        .hasMessage(
            "expected host:port with a port number, like teleport.example.com:443, got \"abc\"");
    assertThat(Setting.METRICS_ADDR.type()).isEqualTo(ValueType.LISTEN_ADDRESS);
    assertThat(ValueType.LISTEN_ADDRESS.parse(":9090")).isEqualTo(new HostPort("", 9090));
  }
}
