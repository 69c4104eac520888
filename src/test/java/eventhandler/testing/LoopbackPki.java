package eventhandler.testing;

import eventhandler.tls.CertificateIssuer;
import eventhandler.tls.CertificateIssuer.Issued;
import eventhandler.tls.CertificateIssuer.Subject;
import eventhandler.tls.Pem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A private CA for tests and the server certificates it signs, written as PEM files that
 * middleboxes (nginx) and Java servers alike can load; every server certificate also names
 * 127.0.0.1, where the tests listen.
 */
public final class LoopbackPki {
  private static final Duration VALIDITY = Duration.ofDays(1);
  private static final char[] NO_PASSWORD = new char[0];

  private final CertificateIssuer issuer = new CertificateIssuer();
  private final Path dir;
  private final Issued ca;
  private final Path caFile;

  /** A server's certificate and key, as PEM files and as Java objects. */
  public record ServerIdentity(Path certificateFile, Path keyFile, Issued issued) {
    /** A TLS server context that presents this certificate. */
    public SSLContext serverContext() {
      try {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(
            "server",
            issued.keyPair().getPrivate(),
            NO_PASSWORD,
            new Certificate[] {issued.certificate()});
        KeyManagerFactory keys =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, NO_PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException("could not make a TLS server context", e);
      }
    }
  }

  private LoopbackPki(Path dir) {
    this.dir = dir;
    this.ca =
        issuer.selfSignedCa(
            Subject.of("Middlebox Test CA"), issuer.ecKeyPair(), Instant.now(), VALIDITY);
    this.caFile = write("ca.crt", Pem.encode(ca.certificate()));
  }

  /** A new CA whose files go into {@code dir} (a test's temporary directory). */
  public static LoopbackPki create(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new LoopbackPki(dir);
  }

  /** The CA certificate's PEM file, for a client that must trust these servers. */
  public Path caFile() {
    return caFile;
  }

  public Issued ca() {
    return ca;
  }

  /**
   * A certificate for {@code localhost} and 127.0.0.1, in {@code name.crt} and {@code name.key}.
   */
  public ServerIdentity localhostServer(String name) {
    return server(name, List.of("localhost"));
  }

  /**
   * A certificate whose common name is the first of {@code dnsNames}, naming all of them and
   * 127.0.0.1, in {@code name.crt} and {@code name.key} (PKCS#8).
   */
  public ServerIdentity server(String name, List<String> dnsNames) {
    List<String> names = new ArrayList<>(dnsNames);
    Issued issued =
        issuer.issue(
            ca,
            issuer.ecKeyPair(),
            Subject.of(names.isEmpty() ? name : names.get(0)),
            Instant.now(),
            VALIDITY,
            names,
            List.of(FreePorts.LOOPBACK),
            CertificateIssuer.Usage.SERVER);
    Path certificate = write(name + ".crt", Pem.encode(issued.certificate()));
    Path key = write(name + ".key", pkcs8(issued.keyPair().getPrivate()));
    return new ServerIdentity(certificate, key, issued);
  }

  /** A TLS client context that trusts this CA only. */
  public SSLContext clientContext() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry("ca", ca.certificate());
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("could not make a TLS client context", e);
    }
  }

  /**
   * A private key as PKCS#8 PEM, which OpenSSL (nginx) and Netty both read. ({@code Pem.encode}
   * writes JDK EC keys as SEC1 without their curve.)
   */
  static String pkcs8(PrivateKey key) {
    String base64 =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(key.getEncoded());
    return "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n";
  }

  private Path write(String fileName, String pem) {
    try {
      return Files.writeString(dir.resolve(fileName), pem, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + fileName, e);
    }
  }
}
