package eventhandler.teleport;

import eventhandler.tls.NativeTls;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNegotiator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSessionContext;

/**
 * The client TLS context for one connection mode: the current client certificate, verification
 * against the current CAs, SNI {@code teleport.cluster.local}, and the mode's ALPN protocols.
 *
 * <p>Engines are made without a peer host, which turns TLS session resumption off: a resumed
 * session would present the certificate of the earlier handshake and hide a reloaded identity from
 * the server (Teleport's Go client does not resume either). SNI is set explicitly instead.
 *
 * <p>gRPC checks that the negotiated protocol is one that {@link #applicationProtocolNegotiator()}
 * lists; this context lists only {@code h2} there, so the Teleport routing protocol offered to a
 * proxy is never mistaken for HTTP/2.
 */
final class TeleportSslContext extends SslContext {
  static final String HTTP2 = "h2";

  private final SslContext inner;
  private final String serverName;

  private TeleportSslContext(SslContext inner, String serverName) {
    this.inner = inner;
    this.serverName = serverName;
  }

  /**
   * @param serverName the SNI: {@code teleport.cluster.local} direct, the Proxy's host name through
   *     a Proxy (SNI routers route by it); the certificate is always checked for {@code
   *     teleport.cluster.local}
   */
  static TeleportSslContext create(
      ReloadableCredentials credentials, String serverName, List<String> alpnProtocols) {
    try {
      SslContext inner =
          SslContextBuilder.forClient()
              .sslProvider(NativeTls.provider())
              .keyManager(new ClientKeyManager(credentials))
              .trustManager(new ServerTrust(credentials, ConnectionMode.SERVER_NAME))
              .protocols("TLSv1.3", "TLSv1.2")
              .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
              .applicationProtocolConfig(
                  new ApplicationProtocolConfig(
                      ApplicationProtocolConfig.Protocol.ALPN,
                      ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                      ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                      alpnProtocols))
              .build();
      return new TeleportSslContext(inner, serverName);
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the TLS context: " + e.getMessage(), e);
    }
  }

  @Override
  public boolean isClient() {
    return true;
  }

  @Override
  public List<String> cipherSuites() {
    return inner.cipherSuites();
  }

  @Override
  @SuppressWarnings("deprecation")
  public ApplicationProtocolNegotiator applicationProtocolNegotiator() {
    return () -> List.of(HTTP2);
  }

  @Override
  public SSLEngine newEngine(ByteBufAllocator alloc) {
    SSLEngine engine = inner.newEngine(alloc);
    SSLParameters parameters = engine.getSSLParameters();
    parameters.setServerNames(List.of(new SNIHostName(serverName)));
    engine.setSSLParameters(parameters);
    return engine;
  }

  @Override
  public SSLEngine newEngine(ByteBufAllocator alloc, String peerHost, int peerPort) {
    return newEngine(alloc);
  }

  @Override
  public SSLSessionContext sessionContext() {
    return inner.sessionContext();
  }
}
