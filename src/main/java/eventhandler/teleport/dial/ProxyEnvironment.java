package eventhandler.teleport.dial;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which proxy, if any, the Teleport connection takes: {@code HTTPS_PROXY}, else {@code HTTP_PROXY}
 * (upper case first, then lower case), minus the hosts {@code NO_PROXY} names, with the rules of
 * Go's {@code golang.org/x/net/http/httpproxy} that Teleport's client uses: never for {@code
 * localhost} or a loopback IP; entries are {@code *}, IPs, CIDRs, host suffixes ({@code foo.com}
 * matches it and its subdomains, {@code .foo.com} and {@code *.foo.com} only subdomains), each with
 * an optional port.
 */
public final class ProxyEnvironment {
  private static final Pattern LITERAL_IP = Pattern.compile("[0-9.]+|.*:.*");

  private final Optional<String> proxyUrl;
  private final String proxyVariable;
  private final List<Entry> noProxy;
  private final boolean noProxyForAll;

  private ProxyEnvironment(
      Optional<String> proxyUrl, String proxyVariable, List<Entry> noProxy, boolean all) {
    this.proxyUrl = proxyUrl;
    this.proxyVariable = proxyVariable;
    this.noProxy = noProxy;
    this.noProxyForAll = all;
  }

  /** No proxy at all. */
  public static ProxyEnvironment none() {
    return new ProxyEnvironment(Optional.empty(), "", List.of(), false);
  }

  public static ProxyEnvironment from(Map<String, String> environment) {
    String variable = null;
    String url = null;
    for (String name : List.of("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy")) {
      String value = environment.get(name);
      if (value != null && !value.isBlank()) {
        variable = name;
        url = value;
        break;
      }
    }
    String noProxy = first(environment, "NO_PROXY", "no_proxy");
    List<Entry> entries = new ArrayList<>();
    boolean all = false;
    for (String part : noProxy.split(",")) {
      String entry = part.strip().toLowerCase(Locale.ROOT);
      if (entry.isEmpty()) {
        continue;
      }
      if (entry.equals("*")) {
        all = true;
        break;
      }
      Entry parsed = Entry.parse(entry);
      if (parsed != null) {
        entries.add(parsed);
      }
    }
    return new ProxyEnvironment(
        Optional.ofNullable(url), variable == null ? "" : variable, List.copyOf(entries), all);
  }

  /** The proxy for a connection to {@code host:port}, or empty to connect directly. */
  public Optional<HttpProxy> proxyFor(String host, int port) throws DialException {
    if (proxyUrl.isEmpty() || !useProxy(host, port)) {
      return Optional.empty();
    }
    return Optional.of(HttpProxy.parse(proxyUrl.get(), proxyVariable));
  }

  /** For messages: which variable named the proxy. */
  public String proxyVariable() {
    return proxyVariable;
  }

  private boolean useProxy(String rawHost, int port) {
    String host = rawHost.strip().toLowerCase(Locale.ROOT);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (host.equals("localhost")) {
      return false;
    }
    InetAddress ip = literalIp(host);
    if (ip != null && ip.isLoopbackAddress()) {
      return false;
    }
    if (noProxyForAll) {
      return false;
    }
    String portText = Integer.toString(port);
    for (Entry entry : noProxy) {
      if (entry.matches(host, ip, portText)) {
        return false;
      }
    }
    return true;
  }

  private static String first(Map<String, String> environment, String upper, String lower) {
    String value = environment.get(upper);
    if (value == null || value.isEmpty()) {
      value = environment.get(lower);
    }
    return value == null ? "" : value;
  }

  /** An IP address written as one, without any DNS lookup; null for a host name. */
  public static InetAddress literalIp(String host) {
    if (!LITERAL_IP.matcher(host).matches()) {
      return null;
    }
    if (!host.contains(":") && host.split("\\.", -1).length != 4) {
      return null;
    }
    try {
      return InetAddress.getByName(host); // a literal: no lookup
    } catch (UnknownHostException | SecurityException e) {
      return null;
    }
  }

  /** One NO_PROXY entry: a CIDR, an IP, or a domain, each with an optional port. */
  private record Entry(
      InetAddress ip, int prefixLength, String domain, boolean matchHost, String port) {

    static Entry parse(String entry) {
      int slash = entry.indexOf('/');
      if (slash > 0) {
        InetAddress network = literalIp(entry.substring(0, slash));
        try {
          int bits = Integer.parseInt(entry.substring(slash + 1));
          if (network != null && bits >= 0 && bits <= network.getAddress().length * 8) {
            return new Entry(network, bits, null, false, "");
          }
        } catch (NumberFormatException e) {
          // not a CIDR: fall through to a host name, as Go does
        }
      }
      String host = entry;
      String port = "";
      if (entry.startsWith("[")) {
        int end = entry.indexOf(']');
        if (end < 0) {
          return null;
        }
        host = entry.substring(1, end);
        if (entry.length() > end + 1 && entry.charAt(end + 1) == ':') {
          port = entry.substring(end + 2);
        }
      } else if (entry.indexOf(':') > 0 && entry.indexOf(':') == entry.lastIndexOf(':')) {
        host = entry.substring(0, entry.indexOf(':'));
        port = entry.substring(entry.indexOf(':') + 1);
      }
      if (host.isEmpty()) {
        return null;
      }
      InetAddress ip = literalIp(host);
      if (ip != null) {
        return new Entry(ip, -1, null, false, port);
      }
      if (host.startsWith("*.")) {
        host = host.substring(1);
      }
      boolean matchHost = !host.startsWith(".");
      return new Entry(null, -1, matchHost ? "." + host : host, matchHost, port);
    }

    boolean matches(String host, InetAddress hostIp, String hostPort) {
      if (domain != null) {
        boolean hostMatches =
            host.endsWith(domain) || (matchHost && host.equals(domain.substring(1)));
        return hostMatches && (port.isEmpty() || port.equals(hostPort));
      }
      if (hostIp == null) {
        return false;
      }
      if (prefixLength >= 0) {
        return inNetwork(hostIp);
      }
      return ip.equals(hostIp) && (port.isEmpty() || port.equals(hostPort));
    }

    private boolean inNetwork(InetAddress address) {
      byte[] network = ip.getAddress();
      byte[] candidate = address.getAddress();
      if (network.length != candidate.length) {
        return false;
      }
      int bits = network.length * 8;
      BigInteger mask =
          BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE).shiftRight(prefixLength).not();
      return new BigInteger(1, network).and(mask).equals(new BigInteger(1, candidate).and(mask));
    }
  }
}
