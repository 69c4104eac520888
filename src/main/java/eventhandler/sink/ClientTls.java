package eventhandler.sink;

import eventhandler.tls.KeyStores;
import eventhandler.tls.NativeTls;
import eventhandler.tls.Pem;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * The client side of the mutual TLS to Fluentd: presents the client certificate, verifies the
 * server certificate and its host name, TLS 1.2 or 1.3.
 *
 * <p>Every connection gets a new {@link SslContext}, so its session cache is empty and the
 * handshake can never try to resume a session: Fluentd's in_http answers a resumed handshake with a
 * fatal {@code internal_error} alert (it never sets a session id context).
 *
 * <p>Public so that {@code bench}'s raw poster uses exactly the sink's TLS.
 */
public final class ClientTls {
  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private final X509KeyManager keyManager;
  private final X509TrustManager trustManager;

  ClientTls(X509KeyManager keyManager, X509TrustManager trustManager) {
    this.keyManager = keyManager;
    this.trustManager = trustManager;
  }

  /** Loads the PEM files; errors name the file and the flag it comes from. */
  public static ClientTls load(Path caFile, Path certFile, Path keyFile) {
    List<X509Certificate> chain =
        read(() -> Pem.readCertificates(certFile), "--fluentd-cert", certFile);
    PrivateKey key = read(() -> Pem.readPrivateKey(keyFile), "--fluentd-key", keyFile);
    X509TrustManager trust =
        caFile == null
            ? KeyStores.systemTrustManager()
            : KeyStores.trustManager(
                read(() -> Pem.readCertificates(caFile), "--fluentd-ca", caFile));
    return new ClientTls(KeyStores.keyManager(key, chain), trust);
  }

  /** A handler for one new connection to {@code host:port}, with a context of its own. */
  public SslHandler newHandler(
      ByteBufAllocator alloc, String host, int port, Duration handshakeTimeout) {
    SslContext context;
    try {
      context =
          SslContextBuilder.forClient()
              .sslProvider(NativeTls.provider())
              .keyManager(keyManager)
              .trustManager(trustManager)
              .protocols(PROTOCOLS)
              .build();
    } catch (SSLException e) {
      throw new IllegalStateException(
          "cannot build the TLS context for Fluentd: " + e.getMessage(), e);
    }
    SslHandler handler = context.newHandler(alloc, host, port);
    SSLEngine engine = handler.engine();
    SSLParameters parameters = engine.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    if (!NetUtil.isValidIpV4Address(host) && !NetUtil.isValidIpV6Address(host)) {
      // The JDK sends SNI only for names with a dot; "localhost" and short names need it too.
      parameters.setServerNames(List.of(new SNIHostName(host)));
    }
    engine.setSSLParameters(parameters);
    handler.setHandshakeTimeoutMillis(handshakeTimeout.toMillis());
    return handler;
  }

  private interface PemRead<T> {
    T read() throws IOException;
  }

  private static <T> T read(PemRead<T> reader, String flag, Path file) {
    try {
      return reader.read();
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(flag + ": no such file: " + file, e);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          flag + ": " + e.getMessage() + "; check the file path and that it is PEM", e);
    }
  }
}
