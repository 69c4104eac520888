package eventhandler.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class HttpTargetTest {
  @Test
  void readsHostPortAndRequestTarget() {
    URI url = URI.create("https://fluentd.example.com:8888/test.log?x=1");
    assertThat(HttpTarget.of(url)).isEqualTo(new HttpTarget(true, "fluentd.example.com", 8888));
    assertThat(HttpTarget.pathAndQuery(url)).isEqualTo("/test.log?x=1");
    assertThat(HttpTarget.of(url).hostHeader()).isEqualTo("fluentd.example.com:8888");
    assertThat(HttpTarget.of(URI.create("https://f/")).port()).isEqualTo(443);
    assertThat(HttpTarget.of(URI.create("https://f")).hostHeader()).isEqualTo("f");
    assertThat(HttpTarget.pathAndQuery(URI.create("https://f"))).isEqualTo("/");
    assertThat(HttpTarget.of(URI.create("http://[::1]:9/a")))
        .isEqualTo(new HttpTarget(false, "::1", 9));
    assertThat(HttpTarget.of(URI.create("http://[::1]:9/a")).hostHeader()).isEqualTo("[::1]:9");
  }

  @Test
  void refusesUrlsItCannotUse() {
    assertThatThrownBy(() -> HttpTarget.of(URI.create("ftp://f/x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("https://");
    assertThatThrownBy(() -> HttpTarget.of(URI.create("/relative")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
