package eventhandler.teleport;

import eventhandler.tls.KeyMatch;
import eventhandler.tls.KeyStores;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * One loaded set of TLS credentials: the client key and certificate, the CAs that sign the Auth
 * Service's certificate, and the cluster name taken from those CAs. Immutable; a reload makes a new
 * one.
 */
public final class Credentials {
  private final String source;
  private final PrivateKey privateKey;
  private final X509Certificate certificate;
  private final List<X509Certificate> authorities;
  private final String clusterName;
  private final X509TrustManager trustManager;
  private final String sshCertificate;
  private final List<String> sshAuthorities;

  private Credentials(
      String source,
      PrivateKey privateKey,
      X509Certificate certificate,
      List<X509Certificate> authorities,
      String sshCertificate,
      List<String> sshAuthorities) {
    if (authorities.isEmpty()) {
      throw new TeleportException(
          TeleportException.Kind.CREDENTIALS, source + ": no CA certificates found");
    }
    if (!KeyMatch.matches(privateKey, certificate)) {
      throw new TeleportException(
          TeleportException.Kind.CREDENTIALS,
          source
              + ": the private key does not belong to the client certificate (subject "
              + certificate.getSubjectX500Principal().getName()
              + "); were the files written at different times?");
    }
    this.source = source;
    this.privateKey = privateKey;
    this.certificate = certificate;
    this.authorities = List.copyOf(authorities);
    this.clusterName = clusterNameOf(certificate, authorities);
    this.trustManager = KeyStores.trustManager(this.authorities);
    this.sshCertificate = sshCertificate;
    this.sshAuthorities = List.copyOf(sshAuthorities);
  }

  /**
   * Checks that the key belongs to the certificate and builds the credentials. {@code source} names
   * the file(s) in errors, e.g. "identity file /etc/teleport/identity".
   */
  public static Credentials of(
      String source,
      PrivateKey privateKey,
      X509Certificate certificate,
      List<X509Certificate> authorities) {
    return new Credentials(source, privateKey, certificate, authorities, null, List.of());
  }

  public static Credentials of(String source, IdentityFile identity) {
    return new Credentials(
        source,
        identity.privateKey(),
        identity.tlsCertificate(),
        identity.tlsCertificateAuthorities(),
        identity.sshCertificate(),
        identity.sshCertificateAuthorities());
  }

  /**
   * The identity file's SSH user certificate line, for the SSH ways through a Proxy; empty for a
   * cert/key/CA trio, which has none.
   */
  public Optional<String> sshCertificate() {
    return Optional.ofNullable(sshCertificate);
  }

  /** The identity file's {@code @cert-authority} lines (the SSH host CAs). */
  public List<String> sshAuthorities() {
    return sshAuthorities;
  }

  /** Where these credentials came from, for messages: "identity file /path" or the trio. */
  public String source() {
    return source;
  }

  public PrivateKey privateKey() {
    return privateKey;
  }

  public X509Certificate certificate() {
    return certificate;
  }

  public List<X509Certificate> authorities() {
    return authorities;
  }

  /**
   * The Teleport cluster name: the Organization of the CA that issued the client certificate, as
   * Teleport's {@code tlsca} reads it. Empty when no CA carries one (then the proxy mode, which
   * needs it for ALPN routing, is not possible).
   */
  public Optional<String> clusterName() {
    return Optional.ofNullable(clusterName);
  }

  /** A trust manager for exactly these CAs (no hostname check; see {@link ServerTrust}). */
  X509TrustManager trustManager() {
    return trustManager;
  }

  /** The client certificate's serial number in hex, which names it in logs and key aliases. */
  public String serial() {
    return certificate.getSerialNumber().toString(16);
  }

  public Instant notBefore() {
    return certificate.getNotBefore().toInstant();
  }

  public Instant notAfter() {
    return certificate.getNotAfter().toInstant();
  }

  private static String clusterNameOf(X509Certificate leaf, List<X509Certificate> authorities) {
    for (X509Certificate ca : authorities) {
      if (ca.getSubjectX500Principal().equals(leaf.getIssuerX500Principal())) {
        String organization = organization(ca);
        if (organization != null) {
          return organization;
        }
      }
    }
    for (X509Certificate ca : authorities) {
      String organization = organization(ca);
      if (organization != null) {
        return organization;
      }
    }
    return null;
  }

  private static String organization(X509Certificate ca) {
    X500Name name = X500Name.getInstance(ca.getSubjectX500Principal().getEncoded());
    RDN[] organizations = name.getRDNs(BCStyle.O);
    if (organizations.length == 0) {
      return null;
    }
    ASN1Encodable value = organizations[0].getFirst().getValue();
    String text = value instanceof ASN1String string ? string.getString() : value.toString();
    return text.isBlank() ? null : text;
  }
}
