package eventhandler.teleport.dial;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.X509TrustManager;

/**
 * HTTPS to the Proxy's web port or the load balancer in front of it: verified with {@link WebTrust}
 * and the host name, SNI the host name, ALPN {@code http/1.1} (or the one protocol a probe offers).
 */
public final class WebTls {
  private final X509TrustManager trust;
  private final SslContext http;

  public WebTls(X509TrustManager trust) {
    this.trust = trust;
    this.http = context(List.of(ApplicationProtocolNames.HTTP_1_1));
  }

  /** A handler for one connection to {@code host:port}, checking the certificate names host. */
  SslHandler handler(ByteBufAllocator alloc, String host, int port) {
    return handler(http, alloc, host, port);
  }

  /**
   * A handler offering only {@code protocol} (the SSH tunnel's {@code teleport-reversetunnel}),
   * checking the certificate names host.
   */
  public SslHandler handler(ByteBufAllocator alloc, String host, int port, String protocol) {
    return handler(context(List.of(protocol)), alloc, host, port);
  }

  /** A context offering exactly {@code protocols}, for a probe of what the server negotiates. */
  SslContext context(List<String> protocols) {
    try {
      return SslContextBuilder.forClient()
          .sslProvider(SslProvider.JDK)
          .trustManager(trust)
          .protocols("TLSv1.3", "TLSv1.2")
          .applicationProtocolConfig(
              new ApplicationProtocolConfig(
                  ApplicationProtocolConfig.Protocol.ALPN,
                  ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                  ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                  protocols))
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the web TLS context: " + e.getMessage(), e);
    }
  }

  static SslHandler handler(SslContext context, ByteBufAllocator alloc, String host, int port) {
    SslHandler handler = context.newHandler(alloc, host, port);
    SSLEngine engine = handler.engine();
    SSLParameters parameters = engine.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    if (ProxyEnvironment.literalIp(host) == null) {
      // The JDK sends no SNI for a name without a dot ("localhost"); SNI routers need it.
      parameters.setServerNames(List.of(new SNIHostName(host)));
    }
    engine.setSSLParameters(parameters);
    return handler;
  }
}
