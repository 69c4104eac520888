package eventhandler.sim.pki;

import eventhandler.files.PrivateFiles;
import eventhandler.tls.CertificateIssuer;
import eventhandler.tls.CertificateIssuer.Issued;
import eventhandler.tls.CertificateIssuer.LeafSpec;
import eventhandler.tls.CertificateIssuer.Subject;
import eventhandler.tls.CertificateIssuer.Usage;
import eventhandler.tls.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * Writes client credentials in Teleport's formats: the identity file ({@code tctl auth sign
 * --format=file}: private key, SSH certificate, TLS certificate, SSH host CA lines, TLS CA
 * certificates) and the TLS trio ({@code --format=tls}: {@code .crt}, {@code .key}, {@code .cas}).
 * Files are mode 0600 and replaced atomically, so rewriting one is a clean rotation.
 */
public final class IdentityWriter {
  private static final Duration DEFAULT_VALIDITY = Duration.ofHours(12);
  private static final Duration BACKDATE = Duration.ofMinutes(1);

  private final String clusterName;
  private final ClusterAuthorities authorities;
  private final CertificateIssuer issuer;
  private final Clock clock;

  public IdentityWriter(
      String clusterName, ClusterAuthorities authorities, CertificateIssuer issuer, Clock clock) {
    this.clusterName = clusterName;
    this.authorities = authorities;
    this.issuer = issuer;
    this.clock = clock;
  }

  /** A client key and certificate as the options ask. */
  record Credentials(KeyPair keyPair, X509Certificate certificate, String keyPem) {}

  Credentials issue(IdentityOptions options) {
    Instant now = clock.instant();
    Instant notBefore = options.notBefore() != null ? options.notBefore() : now.minus(BACKDATE);
    Instant notAfter = options.notAfter() != null ? options.notAfter() : now.plus(DEFAULT_VALIDITY);
    KeyPair keyPair = options.keyFormat().rsa() ? issuer.rsaKeyPair(2048) : issuer.ecKeyPair();
    Issued ca = options.foreignCa() ? authorities.foreignUserCa() : authorities.userCa();
    X509Certificate certificate =
        issuer.issue(
            ca,
            keyPair,
            new LeafSpec(
                new Subject(options.user(), "teleport-event-handler", List.of()),
                notBefore,
                notAfter,
                List.of(),
                List.of(),
                Usage.CLIENT));
    return new Credentials(keyPair, certificate, encodeKey(keyPair, options.keyFormat()));
  }

  public WrittenIdentity writeIdentity(Path file, IdentityOptions options) throws IOException {
    Credentials credentials = issue(options);
    X509Certificate certificate = credentials.certificate();
    Issued hostCa = authorities.hostCa();
    StringBuilder text = new StringBuilder();
    text.append(withNewline(credentials.keyPem()));
    Instant sshNotAfter =
        options.sshNotAfter() != null
            ? options.sshNotAfter()
            : certificate.getNotAfter().toInstant();
    text.append(
            SshCertificates.line(
                SshCertificates.user(
                    credentials.keyPair().getPublic(),
                    authorities.userCa().keyPair(),
                    options.user(),
                    certificate.getNotBefore().toInstant(),
                    sshNotAfter,
                    certificate.getSerialNumber().longValue())))
        .append('\n');
    text.append(withNewline(Pem.encode(certificate)));
    text.append("@cert-authority ")
        .append(clusterName)
        .append(",*.")
        .append(clusterName)
        .append(' ')
        .append(SshCertificates.line(hostCa.keyPair().getPublic()))
        .append(" type=host\n");
    text.append(withNewline(Pem.encode(hostCa.certificate())));
    write(file, text.toString());
    return new WrittenIdentity(file, certificate);
  }

  public KeyPairFiles writeKeyPair(Path directory, String name, IdentityOptions options)
      throws IOException {
    Credentials credentials = issue(options);
    PrivateFiles.createDirectories(directory);
    Path certificateFile = directory.resolve(name + ".crt");
    Path keyFile = directory.resolve(name + ".key");
    Path caFile = directory.resolve(name + ".cas");
    write(certificateFile, Pem.encode(credentials.certificate()));
    write(keyFile, credentials.keyPem());
    write(caFile, Pem.encode(authorities.hostCa().certificate()));
    return new KeyPairFiles(certificateFile, keyFile, caFile, credentials.certificate());
  }

  private static void write(Path file, String text) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      PrivateFiles.createDirectories(parent);
    }
    PrivateFiles.writeAtomically(file, withNewline(text).getBytes(StandardCharsets.US_ASCII));
  }

  /** The private key PEM the way Go's crypto/x509 and OpenSSL write it. */
  static String encodeKey(KeyPair keyPair, KeyFormat format) {
    PrivateKey key = keyPair.getPrivate();
    return switch (format) {
        // Bouncy Castle writes an RSA key as PKCS#1.
      case RSA_PKCS1 -> Pem.encode(key);
        // Java encodes every private key as PKCS#8.
      case RSA_PKCS8 -> pem("PRIVATE KEY", key.getEncoded());
      case EC_SEC1 -> pem("EC PRIVATE KEY", sec1(keyPair));
      case EC_PKCS8 -> pem("PRIVATE KEY", ecPkcs8(keyPair));
    };
  }

  /**
   * SEC1 with the optional public key included, as Go and OpenSSL write it (Java's own encoding
   * leaves it out).
   */
  private static byte[] sec1(KeyPair keyPair) {
    try {
      return sec1Structure(keyPair).getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode the EC private key", e);
    }
  }

  private static byte[] ecPkcs8(KeyPair keyPair) {
    try {
      PrivateKeyInfo javaInfo = PrivateKeyInfo.getInstance(keyPair.getPrivate().getEncoded());
      return new PrivateKeyInfo(javaInfo.getPrivateKeyAlgorithm(), sec1Structure(keyPair))
          .getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode the EC private key", e);
    }
  }

  private static org.bouncycastle.asn1.sec.ECPrivateKey sec1Structure(KeyPair keyPair) {
    ECPrivateKey key = (ECPrivateKey) keyPair.getPrivate();
    SubjectPublicKeyInfo publicKey =
        SubjectPublicKeyInfo.getInstance(keyPair.getPublic().getEncoded());
    ASN1Encodable curve = publicKey.getAlgorithm().getParameters();
    return new org.bouncycastle.asn1.sec.ECPrivateKey(
        key.getParams().getOrder().bitLength(), key.getS(), publicKey.getPublicKeyData(), curve);
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static String withNewline(String text) {
    return text.endsWith("\n") ? text : text + "\n";
  }
}
