package eventhandler.tls;

import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes key pairs and X.509 certificates: self-signed CAs and leaf certificates signed by them.
 * Used by {@code configure} (the Fluentd mTLS bundle), the simulated Teleport cluster and tests.
 */
public final class CertificateIssuer {
  /** Back-dates {@code notBefore} a little so that small clock skew does not reject new certs. */
  private static final Duration BACKDATE = Duration.ofMinutes(1);

  private final SecureRandom random;

  public CertificateIssuer(SecureRandom random) {
    this.random = random;
  }

  public CertificateIssuer() {
    this(new SecureRandom());
  }

  /** What a leaf certificate is for. */
  public enum Usage {
    SERVER,
    CLIENT
  }

  /** A certificate with its private key. */
  public record Issued(X509Certificate certificate, KeyPair keyPair) {}

  /** Subject fields of a certificate. */
  public record Subject(String commonName, String organization, List<String> organizationalUnits) {
    public static Subject of(String commonName) {
      return new Subject(commonName, null, List.of());
    }

    X500Name toX500Name() {
      X500NameBuilder builder = new X500NameBuilder(BCStyle.INSTANCE);
      if (organization != null) {
        builder.addRDN(BCStyle.O, organization);
      }
      for (String unit : organizationalUnits) {
        builder.addRDN(BCStyle.OU, unit);
      }
      builder.addRDN(BCStyle.CN, commonName);
      return builder.build();
    }
  }

  /** A leaf certificate request: subject, validity, names and purpose. */
  public record LeafSpec(
      Subject subject,
      Instant notBefore,
      Instant notAfter,
      List<String> dnsNames,
      List<InetAddress> ipAddresses,
      Usage usage) {}

  public KeyPair rsaKeyPair(int bits) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(bits, random);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA key generation failed", e);
    }
  }

  public KeyPair ecKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), random);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("EC key generation failed", e);
    }
  }

  /** A random positive 128-bit serial number. */
  public BigInteger serialNumber() {
    return new BigInteger(128, random).setBit(127);
  }

  /** A self-signed CA certificate valid from now (less a minute) for {@code validity}. */
  public Issued selfSignedCa(Subject subject, KeyPair keyPair, Instant now, Duration validity) {
    X500Name name = subject.toX500Name();
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  name,
                  serialNumber(),
                  Date.from(now.minus(BACKDATE)),
                  Date.from(now.plus(validity)),
                  name,
                  keyPair.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
              .addExtension(
                  Extension.keyUsage,
                  true,
                  new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  extensions.createSubjectKeyIdentifier(keyPair.getPublic()));
      return new Issued(sign(builder, keyPair), keyPair);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("CA certificate creation failed", e);
    }
  }

  /** A leaf certificate for {@code keyPair}, signed by {@code ca}. */
  public X509Certificate issue(Issued ca, KeyPair keyPair, LeafSpec spec) {
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      KeyPurposeId purpose =
          spec.usage() == Usage.SERVER
              ? KeyPurposeId.id_kp_serverAuth
              : KeyPurposeId.id_kp_clientAuth;
      int keyUsage =
          KeyUsage.digitalSignature
              | (keyPair.getPublic().getAlgorithm().equals("RSA") ? KeyUsage.keyEncipherment : 0);
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  ca.certificate(),
                  serialNumber(),
                  Date.from(spec.notBefore()),
                  Date.from(spec.notAfter()),
                  spec.subject().toX500Name(),
                  keyPair.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage))
              .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
              .addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  extensions.createAuthorityKeyIdentifier(ca.certificate()))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  extensions.createSubjectKeyIdentifier(keyPair.getPublic()));
      List<GeneralName> names = new ArrayList<>();
      spec.dnsNames().forEach(dns -> names.add(new GeneralName(GeneralName.dNSName, dns)));
      spec.ipAddresses()
          .forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip.getHostAddress())));
      if (!names.isEmpty()) {
        builder.addExtension(
            Extension.subjectAlternativeName,
            false,
            new GeneralNames(names.toArray(GeneralName[]::new)));
      }
      return sign(builder, ca.keyPair());
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("certificate creation failed", e);
    }
  }

  /** Convenience: a leaf valid from now (less a minute) for {@code validity}. */
  public Issued issue(
      Issued ca,
      KeyPair keyPair,
      Subject subject,
      Instant now,
      Duration validity,
      List<String> dnsNames,
      List<InetAddress> ipAddresses,
      Usage usage) {
    LeafSpec spec =
        new LeafSpec(
            subject, now.minus(BACKDATE), now.plus(validity), dnsNames, ipAddresses, usage);
    return new Issued(issue(ca, keyPair, spec), keyPair);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer)
      throws GeneralSecurityException {
    String algorithm =
        signer.getPrivate().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    try {
      ContentSigner contentSigner =
          new JcaContentSignerBuilder(algorithm).build(signer.getPrivate());
      return new JcaX509CertificateConverter().getCertificate(builder.build(contentSigner));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException("signing failed", e);
    }
  }
}
