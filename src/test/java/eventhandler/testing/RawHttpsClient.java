package eventhandler.testing;

import eventhandler.tls.CertificateIssuer.Issued;
import eventhandler.tls.KeyStores;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * A minimal HTTP/1.1 client over one TLS socket, for testing the receiver byte by byte: sequential
 * requests on one keep-alive connection, raw bodies, chosen headers.
 */
public final class RawHttpsClient implements AutoCloseable {
  public record Response(int status, Map<String, String> headers, String body) {}

  private final SSLSocket socket;
  private final InputStream in;
  private final OutputStream out;

  public RawHttpsClient(SSLContext context, int port) throws IOException {
    socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
    socket.setSoTimeout(10_000);
    socket.startHandshake();
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  /** A new context (no shared session cache) presenting {@code client}, trusting {@code ca}. */
  public static SSLContext context(Issued client, Issued ca, String... protocols)
      throws GeneralSecurityException {
    SSLContext context = SSLContext.getInstance(protocols.length == 0 ? "TLSv1.2" : protocols[0]);
    context.init(
        new KeyManager[] {
          KeyStores.keyManager(client.keyPair().getPrivate(), List.of(client.certificate()))
        },
        new TrustManager[] {KeyStores.trustManager(List.of(ca.certificate()))},
        null);
    return context;
  }

  public Response post(String path, String body) throws IOException {
    return request("POST", path, Map.of(), body.getBytes(StandardCharsets.UTF_8));
  }

  public Response request(String method, String path, Map<String, String> headers, byte[] body)
      throws IOException {
    List<String> lines = new ArrayList<>();
    headers.forEach((name, value) -> lines.add(name + ": " + value));
    return request(method, path, lines, body);
  }

  /** A request whose headers are given as {@code Name: value} lines (a name may repeat). */
  public Response request(String method, String path, List<String> headerLines, byte[] body)
      throws IOException {
    StringBuilder head = new StringBuilder();
    head.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
    head.append("Host: 127.0.0.1\r\n");
    head.append("Content-Length: ").append(body.length).append("\r\n");
    headerLines.forEach(line -> head.append(line).append("\r\n"));
    head.append("\r\n");
    out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
    return readResponse();
  }

  /** The connection's bytes after the response (for upgraded connections). */
  public InputStream input() {
    return in;
  }

  public OutputStream output() {
    return out;
  }

  /** A context that trusts {@code ca} and presents no client certificate. */
  public static SSLContext trusting(X509Certificate ca) throws GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {KeyStores.trustManager(List.of(ca))}, null);
    return context;
  }

  public Response readResponse() throws IOException {
    String statusLine = readLine();
    if (statusLine == null) {
      throw new IOException("connection closed before a response");
    }
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    String line;
    while ((line = readLine()) != null && !line.isEmpty()) {
      int colon = line.indexOf(':');
      headers.put(
          line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          line.substring(colon + 1).trim());
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    byte[] content = in.readNBytes(length);
    return new Response(status, headers, new String(content, StandardCharsets.UTF_8));
  }

  /** Whether the server closed the connection (reads end of stream). */
  public boolean closedByServer() {
    try {
      return in.read() == -1;
    } catch (IOException e) {
      return true;
    }
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        String text = line.toString(StandardCharsets.US_ASCII);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
