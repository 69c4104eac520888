package eventhandler.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * A TLS server that says its name ({@code "name\n"}) to each client after the handshake and closes:
 * the SNI router's tests tell by it (and by its certificate) where a connection went.
 */
final class TlsNameServer implements AutoCloseable {
  private final SSLServerSocket socket;
  private final String name;

  private TlsNameServer(SSLContext tls, String name) throws IOException {
    this.name = name;
    this.socket =
        (SSLServerSocket)
            tls.getServerSocketFactory().createServerSocket(0, 50, FreePorts.LOOPBACK);
    Thread acceptor = new Thread(this::serve, "tls-name-server-" + name);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  static TlsNameServer start(SSLContext tls, String name) {
    try {
      return new TlsNameServer(tls, name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String address() {
    return "127.0.0.1:" + socket.getLocalPort();
  }

  private void serve() {
    while (!socket.isClosed()) {
      try (Socket client = socket.accept()) {
        client.setSoTimeout(5000);
        OutputStream out = client.getOutputStream();
        out.write((name + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } catch (IOException e) {
        // A failed handshake or the server closing: the next client, or the end.
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
