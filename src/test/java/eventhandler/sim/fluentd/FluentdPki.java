package eventhandler.sim.fluentd;

import eventhandler.tls.CertificateIssuer;
import eventhandler.tls.CertificateIssuer.Issued;
import eventhandler.tls.CertificateIssuer.Subject;
import eventhandler.tls.CertificateIssuer.Usage;
import eventhandler.tls.Pem;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * Test certificates for Fluentd mutual TLS: a CA, a server certificate for 127.0.0.1 and localhost,
 * and a client certificate, written as PEM files.
 */
public final class FluentdPki {
  private static final Duration VALIDITY = Duration.ofDays(1);

  public final CertificateIssuer issuer = new CertificateIssuer();
  public final Issued ca;
  public final Issued server;
  public final Issued client;
  public final Path caFile;
  public final Path serverCertFile;
  public final Path serverKeyFile;
  public final Path clientCertFile;
  public final Path clientKeyFile;

  public FluentdPki(Path dir) throws IOException {
    this(dir, List.of("localhost"), List.of(InetAddress.getLoopbackAddress()));
  }

  /** A PKI whose server certificate names exactly {@code dnsNames} and {@code ips}. */
  public FluentdPki(Path dir, List<String> dnsNames, List<InetAddress> ips) throws IOException {
    Instant now = Instant.now();
    ca = issuer.selfSignedCa(Subject.of("Test Fluentd CA"), issuer.ecKeyPair(), now, VALIDITY);
    server =
        issuer.issue(
            ca,
            issuer.ecKeyPair(),
            Subject.of("localhost"),
            now,
            VALIDITY,
            dnsNames,
            ips,
            Usage.SERVER);
    client = clientSignedBy(ca);
    Files.createDirectories(dir);
    caFile = write(dir.resolve("ca.crt"), Pem.encode(ca.certificate()));
    serverCertFile = write(dir.resolve("server.crt"), Pem.encode(server.certificate()));
    serverKeyFile = write(dir.resolve("server.key"), pkcs8(server.keyPair().getPrivate()));
    clientCertFile = write(dir.resolve("client.crt"), Pem.encode(client.certificate()));
    clientKeyFile = write(dir.resolve("client.key"), pkcs8(client.keyPair().getPrivate()));
  }

  /**
   * A private key as PKCS#8 PEM. ({@code Pem.encode} writes JDK EC keys as SEC1 without their
   * curve, which {@code Pem.readPrivateKey} cannot read back.)
   */
  public static String pkcs8(PrivateKey key) {
    String base64 =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(key.getEncoded());
    return "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n";
  }

  /** A client certificate signed by {@code authority}. */
  public Issued clientSignedBy(Issued authority) {
    return issuer.issue(
        authority,
        issuer.ecKeyPair(),
        Subject.of("teleport-event-handler"),
        Instant.now(),
        VALIDITY,
        List.of(),
        List.of(),
        Usage.CLIENT);
  }

  /** A receiver builder with this PKI's server identity, trusting this CA's clients. */
  public FluentdReceiverBuilder receiver() {
    return FluentdReceiver.builder(
        server.keyPair().getPrivate(), List.of(server.certificate()), List.of(ca.certificate()));
  }

  private static Path write(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.US_ASCII);
    return file;
  }
}
