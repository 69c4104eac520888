package eventhandler.teleport;

import eventhandler.teleport.dial.DialException;
import io.grpc.Status;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.ssl.NotSslRecordException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * Turns gRPC statuses into {@link TeleportException}s whose message says, in user terms, what
 * failed and what to do.
 */
final class StatusTranslator {
  static final String EVENT_RULES =
      "rules 'event' and 'session' with verbs 'list' and 'read' (see the role"
          + " teleport-event-handler in teleport-event-handler-role.yaml written by 'configure')";
  static final String LOCK_RULES =
      "rule 'lock' with verbs 'create' and 'update' (needed because --lock-enabled is set)";

  private final int maxInboundMessageSize;
  private final String maxMessageSizeSetting;

  StatusTranslator(int maxInboundMessageSize, String maxMessageSizeSetting) {
    this.maxInboundMessageSize = maxInboundMessageSize;
    this.maxMessageSizeSetting = maxMessageSizeSetting;
  }

  /** The error for {@code operation} (e.g. "searching audit events") that ended with status. */
  TeleportException translate(String operation, Status status) {
    return translate(operation, status, EVENT_RULES);
  }

  /**
   * As {@link #translate(String, Status)}; {@code neededRules} is what an access-denied message
   * says the role needs ({@link #EVENT_RULES} or {@link #LOCK_RULES}).
   */
  TeleportException translate(String operation, Status status, String neededRules) {
    String detail = detail(status);
    Status.Code code = status.getCode();
    String prefix = operation + " failed: ";
    return switch (code) {
      case UNAVAILABLE ->
          new TeleportException(
              TeleportException.Kind.CONNECTION,
              prefix + "the Teleport Auth Service is unavailable: " + reason(status),
              true,
              code,
              status.getCause());
      case DEADLINE_EXCEEDED ->
          new TeleportException(
              TeleportException.Kind.CONNECTION,
              prefix + "Teleport did not answer in time (" + detail + ")",
              true,
              code,
              status.getCause());
      case NOT_FOUND ->
          new TeleportException(
              TeleportException.Kind.NOT_FOUND, prefix + "not found: " + detail, false, code, null);
      case UNIMPLEMENTED ->
          new TeleportException(
              TeleportException.Kind.NOT_IMPLEMENTED,
              prefix + "this Teleport cluster does not implement it (" + detail + ")",
              false,
              code,
              null);
      case PERMISSION_DENIED ->
          new TeleportException(
              TeleportException.Kind.ACCESS_DENIED,
              prefix
                  + "access denied ("
                  + detail
                  + "). The event handler's Teleport role needs the "
                  + neededRules
                  + ".",
              false,
              code,
              null);
      case UNAUTHENTICATED ->
          new TeleportException(
              TeleportException.Kind.UNAUTHENTICATED,
              prefix
                  + "Teleport did not accept the client certificate ("
                  + detail
                  + "); it may have expired or belong to another cluster. "
                  + CertificateValidity.RENEW_HINT
                  + ".",
              false,
              code,
              null);
      case INVALID_ARGUMENT ->
          new TeleportException(
              TeleportException.Kind.BAD_PARAMETER,
              prefix + "Teleport rejected the request as invalid: " + detail,
              false,
              code,
              null);
      case RESOURCE_EXHAUSTED ->
          messageTooLarge(status)
              ? new TeleportException(
                  TeleportException.Kind.LIMIT_EXCEEDED,
                  prefix
                      + "a message is larger than the maximum gRPC message size of "
                      + maxInboundMessageSize
                      + " bytes ("
                      + detail
                      + "). Raise "
                      + maxMessageSizeSetting
                      + ".",
                  false,
                  code,
                  null)
              : new TeleportException(
                  TeleportException.Kind.LIMIT_EXCEEDED,
                  prefix + "Teleport reports a limit exceeded (" + detail + "); slowing down",
                  true,
                  code,
                  null);
      case CANCELLED ->
          new TeleportException(
              TeleportException.Kind.CANCELLED,
              prefix + "cancelled (" + detail + ")",
              false,
              code,
              status.getCause());
      case ABORTED, INTERNAL, UNKNOWN ->
          new TeleportException(
              TeleportException.Kind.OTHER,
              prefix + code + ": " + detail,
              true,
              code,
              status.getCause());
      default ->
          new TeleportException(
              TeleportException.Kind.OTHER, prefix + code + ": " + detail, false, code, null);
    };
  }

  private static boolean messageTooLarge(Status status) {
    String description = lower(status.getDescription());
    return description.contains("exceeds maximum size")
        || description.contains("larger than max")
        || description.contains("message too large");
  }

  private static String detail(Status status) {
    String description = status.getDescription();
    if (description != null && !description.isBlank()) {
      return description;
    }
    return status.getCause() != null ? status.getCause().toString() : status.getCode().toString();
  }

  /**
   * Why a connection could not be made or was lost, in user terms: DNS lookup failed, connection
   * refused, TLS verification failed (wrong CA?), ALPN refused by proxy, timeout, ...
   */
  static String reason(Status status) {
    for (Throwable t = status.getCause(); t != null; t = t.getCause()) {
      if (t instanceof DialException dial) {
        return dial.getMessage(); // the front (proxy, load balancer, upgrade) said what failed
      }
    }
    for (Throwable t = status.getCause(); t != null; t = t.getCause()) {
      if (t instanceof ServerTrust.VerificationException verification) {
        return verification.summary() + ": " + t.getMessage();
      }
    }
    for (Throwable t = status.getCause(); t != null; t = t.getCause()) {
      String message = lower(t.getMessage());
      if (t instanceof UnknownHostException) {
        return "DNS lookup failed: " + t.getMessage();
      }
      if (t instanceof ConnectTimeoutException || t instanceof SocketTimeoutException) {
        return "timeout: no TCP connection (" + t.getMessage() + ")";
      }
      if (t instanceof ConnectException && message.contains("refused")) {
        return "connection refused (nothing listens at this address and port?)";
      }
      if (t instanceof NoRouteToHostException) {
        return "no route to host (" + t.getMessage() + ")";
      }
      if (t instanceof NotSslRecordException) {
        return "the server does not speak TLS on this port";
      }
      if (t instanceof SSLException) {
        return tlsReason(t, message);
      }
    }
    String description = lower(status.getDescription());
    if (description.contains("unable to resolve host")) {
      return "DNS lookup failed: " + status.getDescription();
    }
    if (description.contains("failed alpn negotiation")) {
      return "ALPN: the server did not choose HTTP/2 (h2), so it is not a Teleport gRPC"
          + " endpoint for this mode";
    }
    if (description.contains("connection closed while performing tls negotiation")) {
      return "the server closed the connection during the TLS handshake (a proxy refusing the"
          + " ALPN protocol, or not a TLS port?)";
    }
    if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
      return "timeout: no answer (" + detail(status) + ")";
    }
    if (status.getCause() != null) {
      return detail(status) + " (" + status.getCause() + ")";
    }
    return detail(status);
  }

  private static String tlsReason(Throwable t, String message) {
    if (message.contains("no_application_protocol")) {
      return "ALPN refused by the server: it accepts none of the offered protocols (a proxy"
          + " without TLS routing, or a different cluster name?)";
    }
    if (message.contains("bad_certificate")
        || message.contains("certificate_unknown")
        || message.contains("certificate_required")
        || message.contains("unknown_ca")
        || message.contains("certificate_expired")
        || message.contains("certificate_revoked")
        || message.contains("access_denied")) {
      return "the server rejected the client certificate ("
          + t.getMessage()
          + "): it may have expired or belong to another cluster";
    }
    if (message.contains("handshake_failure")) {
      return "TLS handshake failed (" + t.getMessage() + "): no common TLS version or cipher";
    }
    return "TLS handshake failed: " + t.getMessage();
  }

  private static String lower(String text) {
    return text == null ? "" : text.toLowerCase(Locale.ROOT);
  }
}
