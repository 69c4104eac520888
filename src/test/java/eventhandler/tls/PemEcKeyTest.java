package eventhandler.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import org.junit.jupiter.api.Test;

class PemEcKeyTest {
  @Test
  void anEcKeyRoundTripsThroughSec1WithItsCurve() throws Exception {
    KeyPair keys = new CertificateIssuer().ecKeyPair();

    String pem = Pem.encode(keys.getPrivate());
    ECPrivateKey read = (ECPrivateKey) Pem.readPrivateKey(pem, "test", null);

    assertThat(pem).startsWith("-----BEGIN EC PRIVATE KEY-----");
    assertThat(read.getS()).isEqualTo(((ECPrivateKey) keys.getPrivate()).getS());
    assertThat(read.getParams().getCurve())
        .isEqualTo(((ECPrivateKey) keys.getPrivate()).getParams().getCurve());
  }
}
