package eventhandler.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;

/** Free TCP ports on 127.0.0.1 for a middlebox to listen on. */
final class FreePorts {
  /** 127.0.0.1 itself: {@code InetAddress.getLoopbackAddress()} may be ::1 on some JVMs. */
  static final InetAddress LOOPBACK = loopback();

  private FreePorts() {}

  /**
   * A port the kernel handed out as free a moment ago. Another process can take it before the
   * middlebox binds it; {@link MiddleboxProcess} then retries with a new one.
   */
  static int pick() {
    try (ServerSocket socket = new ServerSocket(0, 1, LOOPBACK)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on 127.0.0.1", e);
    }
  }

  /** Whether something listens on {@code port} of 127.0.0.1 now (a bind there fails). */
  static boolean isTaken(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(LOOPBACK, port), 1);
      return false;
    } catch (BindException e) {
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("could not probe port " + port, e);
    }
  }

  private static InetAddress loopback() {
    try {
      return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
