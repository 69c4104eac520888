package eventhandler.teleport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import eventhandler.tls.NativeTlsTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSslEngine;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.util.ReferenceCountUtil;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TeleportTlsEngineTest {
  private static final TestPki PKI = new TestPki("example.teleport.sh");

  @TempDir Path dir;

  @Test
  void connectionsToTeleportRunOnBoringSslWithTheSniOfTheirMode() throws Exception {
    assumeTrue(NativeTlsTest.BORINGSSL_SHIPPED, "BoringSSL is shipped for Linux x86-64 only");
    Path file =
        PKI.writeIdentity(
            dir.resolve("identity"),
            PKI.client(TestPki.KeyFormat.EC_SEC1),
            TestPki.KeyFormat.EC_SEC1);
    ReloadableCredentials credentials =
        new ReloadableCredentials(
            CredentialSource.identityFile(file), Clock.systemUTC(), new SimpleMeterRegistry());

    SSLEngine engine =
        TeleportSslContext.create(
                credentials, "proxy.example.com", List.of("teleport-auth@x", "h2"))
            .newEngine(ByteBufAllocator.DEFAULT);

    assertThat(engine).isInstanceOfAny(ReferenceCountedOpenSslEngine.class, OpenSslEngine.class);
    assertThat(engine.getSSLParameters().getServerNames())
        .containsExactly(new SNIHostName("proxy.example.com"));
    ReferenceCountUtil.release(engine);
  }
}
