package eventhandler.config;

/**
 * A {@code host:port} address such as {@code teleport.example.com:443} or {@code [::1]:3025}. The
 * host is kept without brackets; an empty host (from {@code :9090}) means every local interface.
 */
public record HostPort(String host, int port) {
  public HostPort {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is outside 0..65535");
    }
  }

  /**
   * Parses {@code host:port}; IPv6 literals need brackets ({@code [::1]:3025}).
   *
   * @param allowEmptyHost whether {@code :port} is accepted (listen addresses)
   * @throws IllegalArgumentException when the text is not a host and a port
   */
  public static HostPort parse(String text, boolean allowEmptyHost) {
    return parse(text, allowEmptyHost, "teleport.example.com:443");
  }

  /**
   * A Teleport address as {@code start} takes it ({@code --teleport-addr}): {@code host:port} with
   * a host and a port from 1 to 65535, no scheme. {@code configure} checks its argument with the
   * same rule, so that it never writes an address {@code start} refuses.
   *
   * @throws IllegalArgumentException with the message {@code start} gives
   */
  public static HostPort teleportAddress(String text) {
    HostPort address = parse(text, true);
    if (address.host().isEmpty() || address.port() == 0) {
      throw new IllegalArgumentException(
          "expected host:port with a host and a port from 1 to 65535, like"
              + " teleport.example.com:443, got \""
              + address
              + "\"");
    }
    return address;
  }

  /**
   * Parses {@code host:port} like {@link #parse(String, boolean)}, with {@code example} as the
   * address that error messages show (a listen address is better shown as {@code 127.0.0.1:9090}).
   */
  public static HostPort parse(String text, boolean allowEmptyHost, String example) {
    String s = text.strip();
    if (s.contains("://")) {
      throw new IllegalArgumentException(
          "expected host:port without a scheme, like " + example + ", got \"" + text + "\"");
    }
    int colon = s.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(
          "expected host:port with a port number, like " + example + ", got \"" + text + "\"");
    }
    String host = s.substring(0, colon);
    String portText = s.substring(colon + 1);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new IllegalArgumentException(
          "IPv6 addresses need brackets, like [::1]:3025, got \"" + text + "\"");
    }
    if (host.isEmpty() && !allowEmptyHost) {
      throw new IllegalArgumentException("host is missing in \"" + text + "\"");
    }
    if (host.chars().anyMatch(c -> Character.isWhitespace(c) || c == '/')) {
      throw new IllegalArgumentException("invalid host in \"" + text + "\"");
    }
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid port \"" + portText + "\" in \"" + text + "\"");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(
          "port " + portText + " in \"" + text + "\" is outside 0..65535");
    }
    return new HostPort(host, port);
  }

  /** {@code host:port}, with brackets around IPv6 literals. */
  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
