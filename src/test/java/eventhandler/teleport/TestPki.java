package eventhandler.teleport;

import eventhandler.tls.CertificateIssuer;
import eventhandler.tls.Pem;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/** A test cluster's PKI: a CA named like Teleport's, an Auth server certificate, identities. */
final class TestPki {
  /** How the identity's private key is written. */
  enum KeyFormat {
    RSA_PKCS1,
    RSA_PKCS8,
    EC_SEC1,
    EC_PKCS8
  }

  static final String SSH_CERT_LINE =
      "ssh-rsa-cert-v01@openssh.com AAAAHHNzaC1yc2EtY2VydC12MDFAb3BlbnNzaC5jb20AAAAg";
  static final String SSH_CA_LINE =
      "@cert-authority example.teleport.sh,*.example.teleport.sh ssh-rsa AAAAB3NzaC1yc2E type=host";

  final String clusterName;
  final CertificateIssuer issuer = new CertificateIssuer();
  final CertificateIssuer.Issued ca;
  final CertificateIssuer.Issued server;

  TestPki(String clusterName) {
    this.clusterName = clusterName;
    this.ca =
        issuer.selfSignedCa(
            new CertificateIssuer.Subject(clusterName, clusterName, List.of()),
            issuer.ecKeyPair(),
            Instant.now(),
            Duration.ofDays(10));
    this.server =
        serverCertificate(List.of(ConnectionMode.SERVER_NAME, "*.teleport.cluster.local"));
  }

  private TestPki(TestPki base, List<String> serverNames) {
    this.clusterName = base.clusterName;
    this.ca = base.ca;
    this.server = serverCertificate(serverNames);
  }

  /** The same CA with a server certificate for other names. */
  TestPki withServerNames(String... names) {
    return new TestPki(this, List.of(names));
  }

  private CertificateIssuer.Issued serverCertificate(List<String> names) {
    return issuer.issue(
        ca,
        issuer.ecKeyPair(),
        new CertificateIssuer.Subject("auth", clusterName, List.of()),
        Instant.now(),
        Duration.ofDays(5),
        names,
        List.of(),
        CertificateIssuer.Usage.SERVER);
  }

  /** A client certificate valid from a minute ago for a day. */
  CertificateIssuer.Issued client(KeyFormat format) {
    Instant now = Instant.now();
    return client(format, now.minus(Duration.ofMinutes(1)), now.plus(Duration.ofDays(1)));
  }

  CertificateIssuer.Issued client(KeyFormat format, Instant notBefore, Instant notAfter) {
    KeyPair keys =
        switch (format) {
          case RSA_PKCS1, RSA_PKCS8 -> issuer.rsaKeyPair(2048);
          case EC_SEC1, EC_PKCS8 -> issuer.ecKeyPair();
        };
    X509Certificate certificate =
        issuer.issue(
            ca,
            keys,
            new CertificateIssuer.LeafSpec(
                new CertificateIssuer.Subject("teleport-event-handler", null, List.of()),
                notBefore,
                notAfter,
                List.of(),
                List.of(),
                CertificateIssuer.Usage.CLIENT));
    return new CertificateIssuer.Issued(certificate, keys);
  }

  /** An identity file's text, in the order Teleport writes it, with the key in {@code format}. */
  String identity(CertificateIssuer.Issued client, KeyFormat format) {
    return keyPem(client.keyPair().getPrivate(), format)
        + SSH_CERT_LINE
        + "\n"
        + Pem.encode(client.certificate())
        + SSH_CA_LINE
        + "\n"
        + Pem.encode(ca.certificate());
  }

  Path writeIdentity(Path file, CertificateIssuer.Issued client, KeyFormat format)
      throws IOException {
    Files.writeString(file, identity(client, format), StandardCharsets.US_ASCII);
    return file;
  }

  static String keyPem(PrivateKey key, KeyFormat format) {
    return switch (format) {
      case RSA_PKCS1, EC_SEC1 -> Pem.encode(key);
      case RSA_PKCS8, EC_PKCS8 -> pkcs8(key);
    };
  }

  private static String pkcs8(PrivateKey key) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(new JcaPKCS8Generator(key, null));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toString();
  }
}
