package eventhandler.teleport.dial;

import io.netty.channel.ChannelHandler;
import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.handler.proxy.ProxyHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * An outbound HTTP CONNECT proxy from {@code HTTPS_PROXY} and its relatives. Credentials in the URL
 * become {@code Proxy-Authorization: Basic}, as Go's client sends them.
 */
public record HttpProxy(
    String scheme, String host, int port, Optional<String> user, Optional<String> password) {

  /**
   * Parses a proxy URL as Go does: a value without a scheme is taken as {@code http://}; the port
   * defaults to 80.
   */
  public static HttpProxy parse(String value, String variable) throws DialException {
    String text = value.strip();
    if (!text.contains("://")) {
      text = "http://" + text;
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (java.net.URISyntaxException e) {
      throw new DialException(
          variable + " \"" + redact(value) + "\" is not a URL: " + e.getReason());
    }
    String scheme = uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    int defaultPort =
        switch (scheme) {
          case "http" -> 80;
          default ->
              throw new DialException(
                  variable
                      + " \""
                      + redact(value)
                      + "\" has the scheme "
                      + scheme
                      + "; use an http:// proxy (HTTP CONNECT)");
        };
    if (uri.getHost() == null) {
      throw new DialException(variable + " \"" + redact(value) + "\" has no host");
    }
    Optional<String> user = Optional.empty();
    Optional<String> password = Optional.empty();
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      user = Optional.of(decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
      if (colon >= 0) {
        password = Optional.of(decode(userInfo.substring(colon + 1)));
      }
    }
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new HttpProxy(
        scheme, host, uri.getPort() < 0 ? defaultPort : uri.getPort(), user, password);
  }

  /** The Netty handler that opens the tunnel to {@code target}; it buffers writes until then. */
  ChannelHandler handler(Duration timeout) {
    InetSocketAddress proxy = new InetSocketAddress(host, port);
    ProxyHandler handler =
        user.isPresent()
            ? new HttpProxyHandler(proxy, user.get(), password.orElse(""))
            : new HttpProxyHandler(proxy);
    handler.setConnectTimeoutMillis(timeout.toMillis());
    return handler;
  }

  /** For logs and errors: the URL with the password masked. */
  @Override
  public String toString() {
    String credentials = user.map(u -> u + (password.isPresent() ? ":***" : "") + "@").orElse("");
    String shownHost = host.contains(":") ? "[" + host + "]" : host;
    return scheme + "://" + credentials + shownHost + ":" + port;
  }

  private static String decode(String text) {
    return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** A proxy URL as given, with any password masked, for an error about it. */
  static String redact(String value) {
    return value.replaceAll("(://[^:/@]*):[^@/]*@", "$1:***@");
  }
}
