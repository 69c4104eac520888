package eventhandler.teleport;

/** A {@code host:port} address of the Auth Service or the Proxy Service. */
public record TeleportAddress(String host, int port) {

  /** Parses {@code host:port} or {@code [ipv6]:port}; the error names {@code setting}. */
  public static TeleportAddress parse(String text, String setting) {
    String value = text == null ? "" : text.strip();
    if (value.isEmpty()) {
      throw invalid(
          setting
              + " is empty; set it to the Auth Service (host:3025) or the Proxy"
              + " Service with TLS routing (host:443)");
    }
    if (value.contains("://")) {
      throw invalid(setting + " \"" + value + "\" must be host:port, without a scheme");
    }
    String host;
    String port;
    if (value.startsWith("[")) {
      int end = value.indexOf("]:");
      if (end < 0) {
        throw invalid(setting + " \"" + value + "\" must be [ipv6-address]:port");
      }
      host = value.substring(1, end);
      port = value.substring(end + 2);
    } else {
      int colon = value.lastIndexOf(':');
      if (colon < 0 || value.indexOf(':') != colon) {
        throw invalid(
            setting
                + " \""
                + value
                + "\" has no port; use host:port, e.g. teleport.example.com:443 or auth:3025");
      }
      host = value.substring(0, colon);
      port = value.substring(colon + 1);
    }
    int number;
    try {
      number = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      number = -1;
    }
    if (host.isEmpty() || number < 1 || number > 65535) {
      throw invalid(setting + " \"" + value + "\" must be host:port with a port from 1 to 65535");
    }
    return new TeleportAddress(host, number);
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  private static TeleportException invalid(String message) {
    return new TeleportException(TeleportException.Kind.BAD_PARAMETER, message);
  }
}
