package eventhandler.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How to reach Teleport.
 *
 * @param address Auth Service or Proxy Service address ({@code --teleport-addr})
 * @param credentials identity file or certificate/key/CA files
 * @param refreshEnabled re-read the identity file every {@code refreshInterval} ({@code
 *     --teleport-refresh-enabled}); only meaningful with an identity file
 * @param refreshInterval {@code --teleport-refresh-interval}, positive
 * @param dialTimeout time limit to connect ({@code --teleport-dial-timeout}), positive
 * @param maxMessageBytes largest inbound gRPC message ({@code --teleport-max-message-size})
 */
public record TeleportSettings(
    HostPort address,
    TeleportCredentials credentials,
    boolean refreshEnabled,
    Duration refreshInterval,
    Duration dialTimeout,
    int maxMessageBytes) {
  public TeleportSettings {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(refreshInterval, "refreshInterval");
    Objects.requireNonNull(dialTimeout, "dialTimeout");
  }
}
