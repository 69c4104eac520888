package eventhandler.teleport;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Verifies the Auth Service's certificate against the CAs of the credentials current at handshake
 * time (so a CA rotation picked up by a reload applies to new connections), and checks that it is
 * valid for {@code teleport.cluster.local}, as Teleport's Go client does. The check does not depend
 * on the TLS engine's peer host: engines are made without one (see {@link TeleportSslContext}).
 */
final class ServerTrust extends X509ExtendedTrustManager {
  /** A verification failure, with a short summary for dial errors ("wrong CA?"). */
  static final class VerificationException extends CertificateException {
    private static final long serialVersionUID = 1L;
    private final String summary;

    VerificationException(String summary, String message, Throwable cause) {
      super(message, cause);
      this.summary = summary;
    }

    String summary() {
      return summary;
    }
  }

  private static final String FAILED = "TLS verification failed";
  private static final String WRONG_CA = "TLS verification failed (wrong CA?)";

  private final ReloadableCredentials credentials;
  private final String serverName;

  ServerTrust(ReloadableCredentials credentials, String serverName) {
    this.credentials = credentials;
    this.serverName = serverName;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    Credentials now = credentials.current();
    if (chain == null || chain.length == 0) {
      throw new VerificationException(FAILED, "the server sent no certificate", null);
    }
    X509Certificate leaf = chain[0];
    try {
      now.trustManager().checkServerTrusted(chain, authType);
    } catch (CertificateException e) {
      if (!isCurrent(leaf)) {
        throw new VerificationException(
            FAILED,
            "the server certificate is valid only from "
                + leaf.getNotBefore().toInstant()
                + " to "
                + leaf.getNotAfter().toInstant()
                + " (is this machine's clock right?)",
            e);
      }
      throw new VerificationException(
          WRONG_CA,
          "the server certificate (subject \""
              + leaf.getSubjectX500Principal().getName()
              + "\", issuer \""
              + leaf.getIssuerX500Principal().getName()
              + "\") is not signed by a CA in the "
              + now.source()
              + " ("
              + describe(now.authorities())
              + ")",
          e);
    }
    List<String> names = dnsNames(leaf);
    if (names.stream().noneMatch(name -> matches(name, serverName))) {
      throw new VerificationException(
          FAILED,
          "the server certificate is not valid for "
              + serverName
              + " (it names "
              + (names.isEmpty() ? "no DNS names" : String.join(", ", names))
              + "), so the server is not a Teleport Auth Service",
          null);
    }
  }

  private static boolean isCurrent(X509Certificate certificate) {
    try {
      certificate.checkValidity();
      return true;
    } catch (CertificateException e) {
      return false;
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("this trust manager only verifies servers");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return credentials.current().authorities().toArray(X509Certificate[]::new);
  }

  private static String describe(List<X509Certificate> authorities) {
    List<String> subjects = new ArrayList<>();
    for (X509Certificate ca : authorities) {
      subjects.add("\"" + ca.getSubjectX500Principal().getName() + "\"");
    }
    return (authorities.size() == 1 ? "CA " : "CAs ") + String.join(", ", subjects);
  }

  private static List<String> dnsNames(X509Certificate certificate) throws CertificateException {
    List<String> names = new ArrayList<>();
    Collection<List<?>> alternatives;
    try {
      alternatives = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      throw new VerificationException(FAILED, "the server certificate has unreadable names", e);
    }
    if (alternatives != null) {
      for (List<?> entry : alternatives) {
        if (entry.size() >= 2 && Integer.valueOf(2).equals(entry.get(0))) {
          names.add(String.valueOf(entry.get(1)));
        }
      }
    }
    return names;
  }

  /** Exact match, or a wildcard for exactly the left-most label, case-insensitively. */
  static boolean matches(String pattern, String host) {
    String p = pattern.toLowerCase(Locale.ROOT);
    String h = host.toLowerCase(Locale.ROOT);
    if (p.startsWith("*.")) {
      int dot = h.indexOf('.');
      return dot > 0 && h.substring(dot).equals(p.substring(1));
    }
    return p.equals(h);
  }
}
