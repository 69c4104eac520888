package eventhandler.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.util.Locale;
import org.junit.jupiter.api.Test;

public class NativeTlsTest {
  /** The platform whose BoringSSL library the jar carries. */
  public static final boolean BORINGSSL_SHIPPED =
      System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux")
          && (System.getProperty("os.arch").equals("amd64")
              || System.getProperty("os.arch").equals("x86_64"));

  @Test
  void boringSslLoadsWhereItIsShippedAndIsTheDefault() {
    assumeTrue(BORINGSSL_SHIPPED, "BoringSSL is shipped for Linux x86-64 only");
    assertThat(OpenSsl.isAvailable()).as("%s", OpenSsl.unavailabilityCause()).isTrue();
    assertThat(NativeTls.choose("auto")).isEqualTo(SslProvider.OPENSSL);
    assertThat(NativeTls.choose("")).isEqualTo(SslProvider.OPENSSL);
    assertThat(NativeTls.choose("OpenSSL")).isEqualTo(SslProvider.OPENSSL);
    assertThat(NativeTls.describe()).startsWith("BoringSSL").contains("native");
  }

  @Test
  void theJdkCanBeChosen() {
    assertThat(NativeTls.choose("jdk")).isEqualTo(SslProvider.JDK);
    assertThat(NativeTls.choose(" JDK ")).isEqualTo(SslProvider.JDK);
  }

  @Test
  void anUnknownSettingIsAClearError() {
    assertThatThrownBy(() -> NativeTls.choose("boring"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("-Deventhandler.tls=boring: expected auto, jdk or openssl");
  }
}
