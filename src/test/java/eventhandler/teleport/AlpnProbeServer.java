package eventhandler.teleport;

import eventhandler.tls.KeyStores;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.TrustManager;

/**
 * A TLS server that records what each client offers (ALPN protocols, SNI) and then either picks a
 * protocol or refuses all of them with the {@code no_application_protocol} alert, as a proxy
 * without a matching route does. It serves no gRPC: after the handshake it closes.
 */
final class AlpnProbeServer implements AutoCloseable {
  final List<List<String>> offeredProtocols = new CopyOnWriteArrayList<>();
  final List<String> serverNames = new CopyOnWriteArrayList<>();
  private final ServerSocket listener;
  private final SSLContext context;
  private final String accept;

  /**
   * @param accept the protocol to select when offered; {@code null} refuses every protocol
   */
  AlpnProbeServer(TestPki pki, String accept) throws Exception {
    this.accept = accept;
    context = SSLContext.getInstance("TLS");
    context.init(
        new KeyManager[] {
          KeyStores.keyManager(pki.server.keyPair().getPrivate(), List.of(pki.server.certificate()))
        },
        new TrustManager[] {KeyStores.trustManager(List.of(pki.ca.certificate()))},
        null);
    listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread thread = new Thread(this::serve, "alpn-probe");
    thread.setDaemon(true);
    thread.start();
  }

  String address() {
    return "127.0.0.1:" + listener.getLocalPort();
  }

  private void serve() {
    while (!listener.isClosed()) {
      try {
        Socket socket = listener.accept();
        Thread thread = new Thread(() -> handle(socket), "alpn-probe-connection");
        thread.setDaemon(true);
        thread.start();
      } catch (IOException e) {
        // the listener closed
      }
    }
  }

  private void handle(Socket plain) {
    try (plain) {
      // Layered without auto-close, so that after a fatal alert the TCP connection can still be
      // closed gracefully: closing with unread input would send a reset that may discard the
      // alert before the client reads it.
      SSLSocket tls =
          (SSLSocket) context.getSocketFactory().createSocket(plain, null, plain.getPort(), false);
      tls.setUseClientMode(false);
      tls.setNeedClientAuth(true);
      tls.setHandshakeApplicationProtocolSelector(
          (socket, protocols) -> {
            offeredProtocols.add(List.copyOf(protocols));
            // null makes the JDK send the no_application_protocol alert.
            return accept != null && protocols.contains(accept) ? accept : null;
          });
      SSLParameters parameters = tls.getSSLParameters();
      parameters.setSNIMatchers(
          List.of(
              new SNIMatcher(StandardConstants.SNI_HOST_NAME) {
                @Override
                public boolean matches(SNIServerName name) {
                  serverNames.add(((SNIHostName) name).getAsciiName());
                  return true;
                }
              }));
      tls.setSSLParameters(parameters);
      try {
        tls.startHandshake();
        tls.close();
      } catch (IOException e) {
        // expected when refusing
      }
      plain.shutdownOutput();
      plain.setSoTimeout(5_000);
      InputStream in = plain.getInputStream();
      while (in.read() >= 0) {
        // drain until the client closes
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
