package eventhandler.sink;

import java.net.URI;
import java.util.Locale;

/** Where requests go: one Fluentd host and port, over TLS or (for http URLs) plain TCP. */
record HttpTarget(boolean tls, String host, int port) {

  static HttpTarget of(URI url) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw new IllegalArgumentException(
          "the Fluentd URL must start with https:// (or http://): " + url);
    }
    String host = url.getHost();
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("the Fluentd URL has no host name: " + url);
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    boolean tls = scheme.equals("https");
    int port = url.getPort() != -1 ? url.getPort() : tls ? 443 : 80;
    return new HttpTarget(tls, host, port);
  }

  /** The request target of {@code url}: its path (at least "/") and query. */
  static String pathAndQuery(URI url) {
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    return url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
  }

  String hostHeader() {
    String name = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    boolean defaultPort = port == (tls ? 443 : 80);
    return defaultPort ? name : name + ":" + port;
  }

  @Override
  public String toString() {
    return (tls ? "https://" : "http://") + hostHeader();
  }
}
