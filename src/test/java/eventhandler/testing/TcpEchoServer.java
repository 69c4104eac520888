package eventhandler.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/** A plain TCP echo server on 127.0.0.1, the far end of the CONNECT tunnels in the tests. */
final class TcpEchoServer implements AutoCloseable {
  private final ServerSocket socket;
  private final AtomicInteger connections = new AtomicInteger();

  private TcpEchoServer() throws IOException {
    socket = new ServerSocket(0, 50, FreePorts.LOOPBACK);
    Thread acceptor = new Thread(this::serve, "tcp-echo");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  static TcpEchoServer start() {
    try {
      return new TcpEchoServer();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int port() {
    return socket.getLocalPort();
  }

  String address() {
    return "127.0.0.1:" + port();
  }

  /** How many connections reached it. */
  int connections() {
    return connections.get();
  }

  private void serve() {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        connections.incrementAndGet();
        Thread echo = new Thread(() -> echo(client), "tcp-echo-connection");
        echo.setDaemon(true);
        echo.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private static void echo(Socket client) {
    try (client;
        InputStream in = client.getInputStream();
        OutputStream out = client.getOutputStream()) {
      in.transferTo(out);
    } catch (IOException e) {
      // The client went away.
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
