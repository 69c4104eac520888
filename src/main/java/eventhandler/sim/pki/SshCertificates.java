package eventhandler.sim.pki;

import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Instant;
import java.util.List;
import org.apache.sshd.certificate.OpenSshCertificateBuilder;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/**
 * OpenSSH certificates signed by the cluster's CAs, made with MINA SSHD's builder so that their
 * signatures verify: user certificates for identity files (user CA) and the Proxy's host
 * certificate (host CA), which a client checks against the identity's {@code @cert-authority}.
 */
public final class SshCertificates {
  /** The principal Teleport adds to every user certificate besides the user. */
  private static final String INTERNAL_PRINCIPAL = "-teleport-internal-join";

  private SshCertificates() {}

  /** {@code <type> <base64>} of a public key or certificate, as identity files write it. */
  public static String line(PublicKey key) {
    return PublicKeyEntry.toString(key);
  }

  static OpenSshCertificate user(
      PublicKey key,
      KeyPair userCa,
      String user,
      Instant validAfter,
      Instant validBefore,
      long serial) {
    return sign(
        OpenSshCertificateBuilder.userCertificate()
            .publicKey(key)
            .serial(serial)
            .id(user)
            .principals(List.of(user, INTERNAL_PRINCIPAL))
            .extension("permit-port-forwarding", "")
            .extension("permit-pty", "")
            .validAfter(validAfter)
            .validBefore(validBefore),
        userCa);
  }

  /** A host certificate for {@code hostKey} naming {@code principals}. */
  public static OpenSshCertificate host(
      PublicKey hostKey, KeyPair hostCa, List<String> principals, Instant from, Instant to) {
    return sign(
        OpenSshCertificateBuilder.hostCertificate()
            .publicKey(hostKey)
            .serial(1)
            .id("proxy")
            .principals(principals)
            .validAfter(from)
            .validBefore(to),
        hostCa);
  }

  private static OpenSshCertificate sign(OpenSshCertificateBuilder builder, KeyPair ca) {
    try {
      return builder.sign(ca);
    } catch (Exception e) {
      throw new IllegalStateException("cannot sign an SSH certificate: " + e.getMessage(), e);
    }
  }
}
