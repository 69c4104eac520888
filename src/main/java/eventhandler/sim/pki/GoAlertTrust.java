package eventhandler.sim.pki;

import eventhandler.tls.KeyStores;
import io.netty.handler.ssl.OpenSslCertificateException;
import io.netty.internal.tcnative.CertificateVerifier;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.X509TrustManager;

/**
 * Client certificates checked against one CA, refused as Teleport's Go TLS refuses them: with a
 * {@code bad_certificate} alert. Under BoringSSL, Netty answers any other refusal with {@code
 * internal_error}; the error code given here makes it send the alert Go sends.
 */
final class GoAlertTrust implements X509TrustManager {
  private final X509TrustManager pkix;

  GoAlertTrust(X509Certificate authority) {
    this.pkix = KeyStores.trustManager(List.of(authority));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    try {
      pkix.checkClientTrusted(chain, authType);
    } catch (CertificateException e) {
      OpenSslCertificateException refusal =
          new OpenSslCertificateException(
              e.getMessage(), CertificateVerifier.X509_V_ERR_CERT_UNTRUSTED);
      refusal.initCause(e);
      throw refusal;
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("the simulated Auth Service checks only client certificates");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return pkix.getAcceptedIssuers();
  }
}
