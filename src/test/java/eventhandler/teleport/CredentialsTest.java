package eventhandler.teleport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eventhandler.tls.CertificateIssuer;
import eventhandler.tls.Pem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialsTest {
  private static final TestPki PKI = new TestPki("example.teleport.sh");

  @TempDir Path dir;

  @Test
  void theClusterNameComesFromTheCaOrganization() throws Exception {
    Path file =
        PKI.writeIdentity(
            dir.resolve("identity"),
            PKI.client(TestPki.KeyFormat.EC_SEC1),
            TestPki.KeyFormat.EC_SEC1);

    Credentials credentials = CredentialSource.identityFile(file).load();

    assertThat(credentials.clusterName()).contains("example.teleport.sh");
    assertThat(credentials.source()).isEqualTo("identity file " + file);
    assertThat(ConnectionMode.authRoutingProtocol("example.teleport.sh"))
        .isEqualTo("teleport-auth@6578616d706c652e74656c65706f72742e7368.teleport.cluster.local");
  }

  @Test
  void aCaWithoutOrganizationGivesNoClusterName() {
    CertificateIssuer issuer = new CertificateIssuer();
    CertificateIssuer.Issued ca =
        issuer.selfSignedCa(
            CertificateIssuer.Subject.of("plain"),
            issuer.ecKeyPair(),
            Instant.now(),
            Duration.ofDays(1));
    CertificateIssuer.Issued client =
        issuer.issue(
            ca,
            issuer.ecKeyPair(),
            CertificateIssuer.Subject.of("me"),
            Instant.now(),
            Duration.ofDays(1),
            List.of(),
            List.of(),
            CertificateIssuer.Usage.CLIENT);

    Credentials credentials =
        Credentials.of(
            "test", client.keyPair().getPrivate(), client.certificate(), List.of(ca.certificate()));

    assertThat(credentials.clusterName()).isEmpty();
  }

  @Test
  void readsTheCertKeyCaTrio() throws Exception {
    CertificateIssuer.Issued client = PKI.client(TestPki.KeyFormat.RSA_PKCS8);
    Path cert = Files.writeString(dir.resolve("auth.crt"), Pem.encode(client.certificate()));
    Path key =
        Files.writeString(
            dir.resolve("auth.key"),
            TestPki.keyPem(client.keyPair().getPrivate(), TestPki.KeyFormat.RSA_PKCS8));
    Path cas = Files.writeString(dir.resolve("auth.cas"), Pem.encode(PKI.ca.certificate()));

    Credentials credentials = CredentialSource.keyPair(cert, key, cas).load();

    assertThat(credentials.certificate()).isEqualTo(client.certificate());
    assertThat(credentials.authorities()).containsExactly(PKI.ca.certificate());
    assertThat(credentials.clusterName()).contains("example.teleport.sh");
    assertThat(credentials.source()).contains("--teleport-cert " + cert);
  }

  @Test
  void aMissingTrioFileIsNamedWithItsSetting() throws Exception {
    CertificateIssuer.Issued client = PKI.client(TestPki.KeyFormat.EC_SEC1);
    Path cert = Files.writeString(dir.resolve("auth.crt"), Pem.encode(client.certificate()));
    Path key = dir.resolve("missing.key");
    Path cas = Files.writeString(dir.resolve("auth.cas"), Pem.encode(PKI.ca.certificate()));

    assertThatThrownBy(() -> CredentialSource.keyPair(cert, key, cas).load())
        .hasMessageContaining(key.toString())
        .hasMessageContaining("--teleport-key")
        .hasMessageContaining("does not exist");
  }

  @Test
  void anExpiredCertificateSaysWhenAndHowToRenew() throws Exception {
    Instant now = Instant.parse("2025-03-01T12:00:00Z");
    CertificateIssuer.Issued client =
        PKI.client(
            TestPki.KeyFormat.EC_SEC1,
            now.minus(Duration.ofDays(3)),
            Instant.parse("2025-02-28T12:00:00Z"));
    Path file = PKI.writeIdentity(dir.resolve("identity"), client, TestPki.KeyFormat.EC_SEC1);
    Credentials credentials = CredentialSource.identityFile(file).load();

    assertThatThrownBy(
            () -> CertificateValidity.check(credentials, Clock.fixed(now, ZoneOffset.UTC)))
        .isInstanceOf(TeleportException.class)
        .hasMessageContaining("identity file " + file)
        .hasMessageContaining("expired at 2025-02-28T12:00:00Z (24 hours ago)")
        .hasMessageContaining("tctl auth sign --user=teleport-event-handler --out=identity")
        .hasMessageContaining("--teleport-refresh-enabled");
  }

  @Test
  void aNotYetValidCertificatePointsAtTheClock() throws Exception {
    Instant now = Instant.parse("2025-03-01T12:00:00Z");
    CertificateIssuer.Issued client =
        PKI.client(
            TestPki.KeyFormat.EC_SEC1,
            Instant.parse("2025-03-01T12:10:00Z"),
            now.plus(Duration.ofDays(3)));
    Path file = PKI.writeIdentity(dir.resolve("identity"), client, TestPki.KeyFormat.EC_SEC1);
    Credentials credentials = CredentialSource.identityFile(file).load();

    assertThatThrownBy(
            () -> CertificateValidity.check(credentials, Clock.fixed(now, ZoneOffset.UTC)))
        .hasMessageContaining("not valid before 2025-03-01T12:10:00Z (in 10 minutes)")
        .hasMessageContaining("clock");
  }
}
