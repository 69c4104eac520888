package eventhandler.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 written and read by hand over a socket, for what Java's HTTP client does not do:
 * CONNECT, and an upgrade to raw bytes ({@code Upgrade: alpn}).
 */
final class RawHttp {
  private static final int MAX_HEAD = 16 * 1024;

  private RawHttp() {}

  static void send(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** The status line and headers of a response, up to the empty line, and nothing after it. */
  static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int next = in.read();
      if (next < 0) {
        throw new EOFException(
            "connection closed after: " + head.toString(StandardCharsets.US_ASCII));
      }
      if (head.size() > MAX_HEAD) {
        throw new IOException("no end of the response head in " + MAX_HEAD + " bytes");
      }
      head.write(next);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  /** Exactly {@code length} bytes as text. */
  static String readText(InputStream in, int length) throws IOException {
    byte[] bytes = in.readNBytes(length);
    if (bytes.length < length) {
      throw new EOFException(
          "connection closed after " + bytes.length + " of " + length + " bytes");
    }
    return new String(bytes, StandardCharsets.US_ASCII);
  }
}
