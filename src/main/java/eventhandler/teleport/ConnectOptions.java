package eventhandler.teleport;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * What {@link TeleportConnector} needs to connect. Build with {@link #of} and adjust with the
 * {@code with*} methods.
 *
 * @param address {@code --teleport-addr}: the Auth Service or a Proxy Service with TLS routing
 * @param credentials the identity file or the cert/key/CA trio
 * @param refreshEnabled {@code --teleport-refresh-enabled}: re-read the credentials periodically
 * @param refreshInterval {@code --teleport-refresh-interval} (default 1m)
 * @param dialTimeout time allowed to connect and answer a Ping (default 30s)
 * @param maxInboundMessageSize largest gRPC message accepted, in bytes (default 64 MiB)
 * @param maxMessageSizeSetting how the user sets {@code maxInboundMessageSize}, named in errors
 * @param callTimeout deadline of unary calls and of listing export chunks (default 2m)
 * @param modes the connection modes to try (default both)
 */
public record ConnectOptions(
    String address,
    CredentialSource credentials,
    boolean refreshEnabled,
    Duration refreshInterval,
    Duration dialTimeout,
    int maxInboundMessageSize,
    String maxMessageSizeSetting,
    Duration callTimeout,
    Set<ConnectionMode> modes) {

  public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofMinutes(1);
  public static final Duration DEFAULT_DIAL_TIMEOUT = Duration.ofSeconds(30);
  public static final int DEFAULT_MAX_INBOUND_MESSAGE_SIZE = 64 * 1024 * 1024;
  public static final String DEFAULT_MAX_MESSAGE_SIZE_SETTING = "--teleport-max-message-size";
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofMinutes(2);

  public ConnectOptions {
    if (refreshInterval.isNegative() || refreshInterval.isZero()) {
      throw new IllegalArgumentException("the refresh interval must be positive");
    }
    if (dialTimeout.isNegative() || dialTimeout.isZero()) {
      throw new IllegalArgumentException("the dial timeout must be positive");
    }
    if (maxInboundMessageSize <= 0) {
      throw new IllegalArgumentException("the max message size must be positive");
    }
    if (modes.isEmpty()) {
      throw new IllegalArgumentException("at least one connection mode is needed");
    }
    modes = Set.copyOf(modes);
  }

  /** Defaults for everything but the address and credentials; refresh off. */
  public static ConnectOptions of(String address, CredentialSource credentials) {
    return new ConnectOptions(
        address,
        credentials,
        false,
        DEFAULT_REFRESH_INTERVAL,
        DEFAULT_DIAL_TIMEOUT,
        DEFAULT_MAX_INBOUND_MESSAGE_SIZE,
        DEFAULT_MAX_MESSAGE_SIZE_SETTING,
        DEFAULT_CALL_TIMEOUT,
        EnumSet.allOf(ConnectionMode.class));
  }

  public ConnectOptions withRefresh(boolean enabled, Duration interval) {
    return new ConnectOptions(
        address,
        credentials,
        enabled,
        interval,
        dialTimeout,
        maxInboundMessageSize,
        maxMessageSizeSetting,
        callTimeout,
        modes);
  }

  public ConnectOptions withDialTimeout(Duration timeout) {
    return new ConnectOptions(
        address,
        credentials,
        refreshEnabled,
        refreshInterval,
        timeout,
        maxInboundMessageSize,
        maxMessageSizeSetting,
        callTimeout,
        modes);
  }

  public ConnectOptions withMaxInboundMessageSize(int bytes, String setting) {
    return new ConnectOptions(
        address,
        credentials,
        refreshEnabled,
        refreshInterval,
        dialTimeout,
        bytes,
        setting,
        callTimeout,
        modes);
  }

  public ConnectOptions withModes(Set<ConnectionMode> only) {
    return new ConnectOptions(
        address,
        credentials,
        refreshEnabled,
        refreshInterval,
        dialTimeout,
        maxInboundMessageSize,
        maxMessageSizeSetting,
        callTimeout,
        only);
  }
}
