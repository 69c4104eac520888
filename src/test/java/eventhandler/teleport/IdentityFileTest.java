package eventhandler.teleport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventhandler.tls.CertificateIssuer;
import eventhandler.tls.Pem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class IdentityFileTest {
  private static final TestPki PKI = new TestPki("example.teleport.sh");

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(TestPki.KeyFormat.class)
  void readsEveryKeyFormatTeleportWrites(TestPki.KeyFormat format) throws Exception {
    CertificateIssuer.Issued client = PKI.client(format);
    Path file = PKI.writeIdentity(dir.resolve("identity"), client, format);

    IdentityFile identity = IdentityFile.read(file);

    assertThat(secret(identity.privateKey())).isEqualTo(secret(client.keyPair().getPrivate()));
    assertThat(identity.tlsCertificate()).isEqualTo(client.certificate());
    assertThat(identity.tlsCertificateAuthorities()).containsExactly(PKI.ca.certificate());
    assertThat(identity.sshCertificate()).isEqualTo(TestPki.SSH_CERT_LINE);
    assertThat(identity.sshCertificateAuthorities()).containsExactly(TestPki.SSH_CA_LINE);
  }

  private static java.math.BigInteger secret(java.security.PrivateKey key) {
    return key instanceof java.security.interfaces.ECPrivateKey ec
        ? ec.getS()
        : ((java.security.interfaces.RSAPrivateKey) key).getPrivateExponent();
  }

  @Test
  void toleratesUnknownLinesBlankLinesIndentationAndCrlf() {
    CertificateIssuer.Issued client = PKI.client(TestPki.KeyFormat.EC_SEC1);
    String text =
        "# written by a test\n\n"
            + Pem.encode(client.keyPair().getPrivate()).replace("\n", "\r\n")
            + "  "
            + TestPki.SSH_CERT_LINE
            + "  \n"
            + "some-unknown-line with words\n"
            + Pem.encode(client.certificate())
            + TestPki.SSH_CA_LINE
            + "\n"
            + TestPki.SSH_CA_LINE.replace("example", "other")
            + "\n"
            + Pem.encode(PKI.ca.certificate())
            + Pem.encode(PKI.server.certificate())
            + "trailing junk\n";

    IdentityFile identity = IdentityFile.parse(text, "identity file x");

    assertThat(identity.tlsCertificate()).isEqualTo(client.certificate());
    assertThat(identity.tlsCertificateAuthorities())
        .containsExactly(PKI.ca.certificate(), PKI.server.certificate());
    assertThat(identity.sshCertificateAuthorities()).hasSize(2);
    assertThat(identity.sshCertificate()).isEqualTo(TestPki.SSH_CERT_LINE);
  }

  @Test
  void anIdentityWithoutSshCertificateIsStillUsable() {
    CertificateIssuer.Issued client = PKI.client(TestPki.KeyFormat.EC_SEC1);
    String text =
        Pem.encode(client.keyPair().getPrivate())
            + Pem.encode(client.certificate())
            + Pem.encode(PKI.ca.certificate());

    IdentityFile identity = IdentityFile.parse(text, "identity file x");

    assertThat(identity.sshCertificate()).isNull();
    assertThat(identity.sshCertificateAuthorities()).isEmpty();
  }

  @Test
  void aMissingFileIsNamed() {
    Path missing = dir.resolve("nope");
    assertThatThrownBy(() -> IdentityFile.read(missing))
        .isInstanceOf(TeleportException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("does not exist")
        .extracting(e -> ((TeleportException) e).kind())
        .isEqualTo(TeleportException.Kind.CREDENTIALS);
  }

  @Test
  void aFileWithoutPemBlocksSaysHowToMakeOne() {
    assertThatThrownBy(() -> IdentityFile.parse("hello\n", "identity file /x/identity"))
        .hasMessageContaining("identity file /x/identity")
        .hasMessageContaining("no PEM blocks")
        .hasMessageContaining("tctl auth sign");
  }

  @Test
  void theKeyMustComeFirst() {
    CertificateIssuer.Issued client = PKI.client(TestPki.KeyFormat.EC_SEC1);
    String text =
        Pem.encode(client.certificate())
            + Pem.encode(client.keyPair().getPrivate())
            + Pem.encode(PKI.ca.certificate());

    assertThatThrownBy(() -> IdentityFile.parse(text, "identity file x"))
        .hasMessageContaining("first PEM block (line 1) must be the private key")
        .hasMessageContaining("it is CERTIFICATE");
  }

  @Test
  void aTruncatedFileIsReported() {
    CertificateIssuer.Issued client = PKI.client(TestPki.KeyFormat.EC_SEC1);
    String full = PKI.identity(client, TestPki.KeyFormat.EC_SEC1);
    String truncated = full.substring(0, full.lastIndexOf("-----END"));

    assertThatThrownBy(() -> IdentityFile.parse(truncated, "identity file x"))
        .hasMessageContaining("has no -----END line");
  }

  @Test
  void missingCertificateOrCasAreReported() {
    CertificateIssuer.Issued client = PKI.client(TestPki.KeyFormat.EC_SEC1);
    String keyOnly = Pem.encode(client.keyPair().getPrivate());
    assertThatThrownBy(() -> IdentityFile.parse(keyOnly, "identity file x"))
        .hasMessageContaining("no TLS certificate");
    String noCas = keyOnly + Pem.encode(client.certificate());
    assertThatThrownBy(() -> IdentityFile.parse(noCas, "identity file x"))
        .hasMessageContaining("no TLS CA certificates");
  }

  @Test
  void aCorruptKeyIsReportedWithoutItsContent() {
    CertificateIssuer.Issued client = PKI.client(TestPki.KeyFormat.RSA_PKCS1);
    String keyPem = Pem.encode(client.keyPair().getPrivate());
    String[] lines = keyPem.split("\n");
    // Damage the DER inside the key but keep valid base64.
    String body = lines[1];
    String damaged = Base64.getEncoder().encodeToString(new byte[48]);
    String text =
        keyPem.replace(body, damaged)
            + Pem.encode(client.certificate())
            + Pem.encode(PKI.ca.certificate());

    assertThatThrownBy(() -> IdentityFile.parse(text, "identity file /x/identity"))
        .isInstanceOf(TeleportException.class)
        .hasMessageContaining("identity file /x/identity")
        .hasMessageContaining("private key")
        .hasMessageNotContaining(lines[2])
        .hasMessageNotContaining(damaged);
  }

  @Test
  void aKeyThatDoesNotMatchTheCertificateIsRefused() throws Exception {
    CertificateIssuer.Issued client = PKI.client(TestPki.KeyFormat.EC_SEC1);
    CertificateIssuer.Issued other = PKI.client(TestPki.KeyFormat.EC_SEC1);
    Path file = dir.resolve("identity");
    Files.writeString(
        file,
        Pem.encode(other.keyPair().getPrivate())
            + Pem.encode(client.certificate())
            + Pem.encode(PKI.ca.certificate()));

    assertThatThrownBy(() -> CredentialSource.identityFile(file).load())
        .hasMessageContaining("identity file " + file)
        .hasMessageContaining("private key does not belong to the client certificate");
  }
}
