package eventhandler.configure;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * Validated {@code configure} settings.
 *
 * @param layout where the files go
 * @param teleportAddress Teleport Auth or Proxy address written into the TOML and Helm values
 * @param ttl validity of the CA, server and client certificates
 * @param dnsNames DNS subject alternative names of the server certificate
 * @param ipAddresses IP subject alternative names given with {@code --ip}; empty means "the
 *     addresses the DNS names resolve to"
 * @param commonName subject common name of the server and client certificates
 * @param keyBits RSA key length
 * @param force overwrite existing files without asking
 */
public record ConfigureSettings(
    SetupLayout layout,
    String teleportAddress,
    Duration ttl,
    List<String> dnsNames,
    List<InetAddress> ipAddresses,
    String commonName,
    int keyBits,
    boolean force) {
  public ConfigureSettings {
    dnsNames = List.copyOf(dnsNames);
    ipAddresses = List.copyOf(ipAddresses);
  }
}
