package eventhandler.testing;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code host:port} a middlebox forwards to. Checked strictly because it is written into a
 * configuration file: a stray {@code ;} or space would change what the middlebox does.
 */
public record HostPort(String host, int port) {
  private static final Pattern HOST_PORT =
      Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?):([0-9]{1,5})");

  public HostPort {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is not in 1..65535");
    }
  }

  /** Parses {@code "127.0.0.1:8443"}, {@code "localhost:8443"} or {@code "[::1]:8443"}. */
  public static HostPort parse(String text) {
    Matcher matcher = HOST_PORT.matcher(text);
    if (!matcher.matches()) {
      throw new IllegalArgumentException(
          "\"" + text + "\" is not host:port (like 127.0.0.1:8443 or localhost:8443)");
    }
    return new HostPort(matcher.group(1), Integer.parseInt(matcher.group(3)));
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
