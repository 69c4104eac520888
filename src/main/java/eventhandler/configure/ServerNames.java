package eventhandler.configure;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Subject alternative names of the Fluentd server certificate. */
public record ServerNames(List<String> dnsNames, List<InetAddress> ipAddresses) {
  public ServerNames {
    dnsNames = List.copyOf(dnsNames);
    ipAddresses = List.copyOf(ipAddresses);
  }

  /**
   * The names from the settings. As in the Go plugin, when no {@code --ip} is given the IP names
   * are the addresses every DNS name resolves to, and a name that does not resolve is an error.
   */
  public static ServerNames of(ConfigureSettings settings, HostResolver resolver)
      throws ConfigureException {
    if (!settings.ipAddresses().isEmpty()) {
      return new ServerNames(settings.dnsNames(), settings.ipAddresses());
    }
    Set<InetAddress> addresses = new LinkedHashSet<>();
    for (String name : settings.dnsNames()) {
      try {
        addresses.addAll(resolver.resolve(name));
      } catch (UnknownHostException e) {
        throw ConfigureException.userError(
            "--dns-names: '"
                + name
                + "' does not resolve to an address; check the name, or give the server's"
                + " addresses with --ip (then names are not looked up)");
      }
    }
    return new ServerNames(settings.dnsNames(), List.copyOf(addresses));
  }
}
