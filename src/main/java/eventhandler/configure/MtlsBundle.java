package eventhandler.configure;

import eventhandler.tls.CertificateIssuer;
import eventhandler.tls.CertificateIssuer.Issued;
import eventhandler.tls.CertificateIssuer.Subject;
import eventhandler.tls.CertificateIssuer.Usage;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The Fluentd mTLS certificates: a self-signed CA, a server certificate for Fluentd's in_http and a
 * client certificate for the event handler, both signed by the CA. All keys are RSA.
 */
public record MtlsBundle(Issued ca, Issued server, Issued client) {
  /** Subject common name of the generated CA (distinct from the leaves' {@code --cn}). */
  public static final String CA_COMMON_NAME = "Teleport Event Handler Fluentd CA";

  /** Issues a new bundle valid from now for {@code ttl}; serials are random 128-bit numbers. */
  public static MtlsBundle issue(
      CertificateIssuer issuer,
      Clock clock,
      String commonName,
      int keyBits,
      Duration ttl,
      ServerNames serverNames) {
    // RSA key generation dominates (seconds at 4096 bits): make the three keys in parallel.
    List<KeyPair> keys =
        IntStream.range(0, 3).parallel().mapToObj(i -> issuer.rsaKeyPair(keyBits)).toList();
    Instant now = clock.instant();
    Issued ca = issuer.selfSignedCa(Subject.of(CA_COMMON_NAME), keys.get(0), now, ttl);
    Issued server =
        issuer.issue(
            ca,
            keys.get(1),
            Subject.of(commonName),
            now,
            ttl,
            serverNames.dnsNames(),
            serverNames.ipAddresses(),
            Usage.SERVER);
    Issued client =
        issuer.issue(
            ca, keys.get(2), Subject.of(commonName), now, ttl, List.of(), List.of(), Usage.CLIENT);
    return new MtlsBundle(ca, server, client);
  }
}
