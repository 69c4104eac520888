package eventhandler.teleport;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * Repeats the TLS handshake of a failed connection attempt on a plain blocking socket, to learn why
 * it failed. Netty sometimes reports a server's fatal alert (such as a proxy's {@code
 * no_application_protocol}) only as "connection closed during the handshake"; a blocking handshake
 * reads the alert and names it.
 */
final class HandshakeProbe {
  /** How long to wait after the handshake for a late alert (TLS 1.3 client certificate checks). */
  private static final Duration LATE_ALERT_WAIT = Duration.ofMillis(500);

  private HandshakeProbe() {}

  /** The handshake's failure, or {@code null} when it succeeds with HTTP/2. */
  static Throwable run(
      TeleportAddress address,
      ReloadableCredentials credentials,
      String serverName,
      List<String> protocols,
      Duration timeout) {
    SSLContext context;
    try {
      context = SSLContext.getInstance("TLS");
      context.init(
          new KeyManager[] {new ClientKeyManager(credentials)},
          new TrustManager[] {new ServerTrust(credentials, ConnectionMode.SERVER_NAME)},
          null);
    } catch (GeneralSecurityException e) {
      return e;
    }
    int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    try (Socket plain = new Socket()) {
      plain.connect(new InetSocketAddress(address.host(), address.port()), timeoutMillis);
      plain.setSoTimeout(timeoutMillis);
      try (SSLSocket tls =
          (SSLSocket) context.getSocketFactory().createSocket(plain, null, address.port(), false)) {
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(serverName)));
        parameters.setApplicationProtocols(protocols.toArray(String[]::new));
        parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        tls.setSSLParameters(parameters);
        tls.startHandshake();
        String chosen = tls.getApplicationProtocol();
        if (!TeleportSslContext.HTTP2.equals(chosen)) {
          return new IOException(
              "Failed ALPN negotiation: the server chose \"" + chosen + "\", not h2");
        }
        tls.setSoTimeout((int) LATE_ALERT_WAIT.toMillis());
        InputStream in = tls.getInputStream();
        if (in.read() < 0) {
          return new EOFException("the server closed the connection right after the handshake");
        }
        return null;
      } catch (SocketTimeoutException e) {
        // Nothing more arrived after the handshake: the server accepted it.
        return null;
      }
    } catch (IOException e) {
      return e;
    }
  }
}
