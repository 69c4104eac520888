package eventhandler.teleport;

import io.grpc.Status;
import java.time.Duration;
import java.util.List;

/**
 * Why an attempt to reach the Auth Service failed, in a user's words, and the one error that lists
 * every way tried when none worked.
 */
final class AttemptReasons {
  /** A way that did not work: its description, the reason, and Teleport's answer if any. */
  record Failure(String way, String reason, TeleportException error) {}

  private final TeleportAddress address;
  private final ReloadableCredentials credentials;
  private final Duration dialTimeout;
  private final StatusTranslator translator;

  AttemptReasons(
      TeleportAddress address,
      ReloadableCredentials credentials,
      Duration dialTimeout,
      StatusTranslator translator) {
    this.address = address;
    this.credentials = credentials;
    this.dialTimeout = dialTimeout;
    this.translator = translator;
  }

  /** The failure of {@code way}, whose Ping ended with {@code status}. */
  Failure of(Way way, Status status) {
    if (way.ssh() == Way.Ssh.NONE && way.front().isDirect() && closedDuringHandshake(status)) {
      // Learn the real reason (often a proxy's alert) with a blocking handshake.
      Throwable cause =
          HandshakeProbe.run(address, credentials, way.serverName(), alpnOf(way), dialTimeout);
      if (cause != null) {
        status = Status.UNAVAILABLE.withDescription("TLS handshake failed").withCause(cause);
      }
    }
    TeleportException error = translator.translate("Ping", status);
    String reason =
        switch (status.getCode()) {
          case UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED -> StatusTranslator.reason(status);
          case PERMISSION_DENIED -> "permission denied: " + description(status);
          case UNAUTHENTICATED -> "the client certificate was not accepted: " + description(status);
          case UNIMPLEMENTED -> "this is not a Teleport Auth Service (Ping is not implemented)";
          default -> status.getCode() + ": " + description(status);
        };
    return new Failure(way.description(), reason, error);
  }

  private List<String> alpnOf(Way way) {
    return way.alpnProtocols(credentials.current().clusterName().orElse(""));
  }

  private static boolean closedDuringHandshake(Status status) {
    String description = status.getDescription();
    if (status.getCode() != Status.Code.UNAVAILABLE) {
      return false;
    }
    if (description != null
        && description.contains("Connection closed while performing TLS negotiation")) {
      return true;
    }
    // When the server's alert crosses the client's own handshake write, Netty reports only that
    // the write failed; the alert itself is lost the same way.
    for (Throwable cause = status.getCause(); cause != null; cause = cause.getCause()) {
      String message = cause.getMessage();
      if (message != null && message.contains("failure when writing TLS control frames")) {
        return true;
      }
    }
    return false;
  }

  private static String description(Status status) {
    return status.getDescription() == null ? status.getCode().toString() : status.getDescription();
  }

  TeleportException combined(List<Failure> failures) {
    StringBuilder message =
        new StringBuilder("cannot connect to Teleport at ")
            .append(address)
            .append(" (")
            .append(WayChooser.ADDRESS_SETTING)
            .append(") with the ")
            .append(credentials.source().description())
            .append(":");
    TeleportException.Kind kind = TeleportException.Kind.CONNECTION;
    boolean retryable = true;
    for (Failure failure : failures) {
      message.append("\n  - ").append(failure.way()).append(": ").append(failure.reason());
      TeleportException error = failure.error();
      if (error != null
          && (error.kind() == TeleportException.Kind.ACCESS_DENIED
              || error.kind() == TeleportException.Kind.UNAUTHENTICATED)) {
        // An answer from Teleport (access denied, bad certificate) says more than a failed dial.
        kind = error.kind();
        retryable = error.isRetryable();
      }
    }
    message.append(
        "\nCheck the address (the Auth Service, usually port 3025, or the Proxy Service's web"
            + " address, usually port 443) and that the credentials belong to this cluster; behind"
            + " a load balancer or a proxy, see \"Connecting\" in docs/running.md.");
    return new TeleportException(kind, message.toString(), retryable, null, null);
  }
}
