package eventhandler.teleport.dial;

import eventhandler.tls.KeyStores;
import eventhandler.tls.Pem;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.X509TrustManager;

/**
 * Trust for the Proxy Service's web certificate and a load balancer's: the system trust store plus
 * the certificates of {@code SSL_CERT_FILE} (a PEM bundle) and of every file in the directories of
 * {@code SSL_CERT_DIR} (colon-separated), which Go's client reads to extend its roots. The
 * cluster's own TLS to Auth never uses this: it is verified against the cluster's CAs.
 */
public final class WebTrust {
  private WebTrust() {}

  /** The trust for web certificates in {@code environment}; errors name the variable and file. */
  public static X509TrustManager load(Map<String, String> environment) throws DialException {
    List<X509Certificate> extra = new ArrayList<>();
    String file = environment.get("SSL_CERT_FILE");
    if (file != null && !file.isBlank()) {
      extra.addAll(read(Path.of(file.strip()), "SSL_CERT_FILE"));
    }
    String dirs = environment.get("SSL_CERT_DIR");
    if (dirs != null && !dirs.isBlank()) {
      for (String dir : dirs.split(":")) {
        if (!dir.isBlank()) {
          extra.addAll(readDirectory(Path.of(dir.strip())));
        }
      }
    }
    X509TrustManager system = KeyStores.systemTrustManager();
    if (extra.isEmpty()) {
      return system;
    }
    List<X509Certificate> all = new ArrayList<>(List.of(system.getAcceptedIssuers()));
    all.addAll(extra);
    return KeyStores.trustManager(all);
  }

  private static List<X509Certificate> read(Path file, String variable) throws DialException {
    try {
      List<X509Certificate> certificates = Pem.readCertificates(file);
      if (certificates.isEmpty()) {
        throw new DialException(variable + " names " + file + ", which holds no PEM certificate");
      }
      return certificates;
    } catch (IOException e) {
      throw new DialException(
          variable
              + " names "
              + file
              + ", which cannot be read as PEM certificates: "
              + e.getMessage(),
          e);
    }
  }

  /** Every file of the directory that holds PEM certificates; others are passed over, as in Go. */
  private static List<X509Certificate> readDirectory(Path dir) throws DialException {
    List<X509Certificate> certificates = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return certificates;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        if (!Files.isRegularFile(file)) {
          continue;
        }
        try {
          certificates.addAll(Pem.readCertificates(file));
        } catch (IOException | RuntimeException e) {
          // Not a certificate file (a hash link's target is read once under its own name).
        }
      }
    } catch (IOException e) {
      throw new DialException("SSL_CERT_DIR: cannot list " + dir + ": " + e.getMessage(), e);
    }
    return certificates;
  }
}
