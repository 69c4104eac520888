package eventhandler.teleport;

import io.grpc.Status;

/**
 * A failed call to Teleport, classified so the caller knows what to do: retry, fall back, or stop
 * and tell the user. The message is written for the user (what failed and what to do) and never
 * holds key material.
 */
public final class TeleportException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What kind of failure this is. */
  public enum Kind {
    /** The Auth Service cannot be reached or did not answer in time (UNAVAILABLE, DEADLINE). */
    CONNECTION,
    /** The thing asked for does not exist, e.g. a session recording not uploaded (yet). */
    NOT_FOUND,
    /** The cluster does not have this API (UNIMPLEMENTED): fall back to an older one. */
    NOT_IMPLEMENTED,
    /** The identity lacks a role rule (PERMISSION_DENIED). */
    ACCESS_DENIED,
    /** The cluster does not accept the client certificate (UNAUTHENTICATED). */
    UNAUTHENTICATED,
    /** The request was refused as invalid (INVALID_ARGUMENT). */
    BAD_PARAMETER,
    /** A rate limit or a message size limit was hit (RESOURCE_EXHAUSTED). */
    LIMIT_EXCEEDED,
    /** The identity or key pair files are missing, malformed or expired; found before dialing. */
    CREDENTIALS,
    /** The call was cancelled by this program (interrupt or close). */
    CANCELLED,
    /** Anything else (INTERNAL, UNKNOWN, ...). */
    OTHER
  }

  private final Kind kind;
  private final boolean retryable;
  private final Status.Code code;

  public TeleportException(
      Kind kind, String message, boolean retryable, Status.Code code, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.retryable = retryable;
    this.code = code;
  }

  public TeleportException(Kind kind, String message, Throwable cause) {
    this(kind, message, kind == Kind.CONNECTION, null, cause);
  }

  public TeleportException(Kind kind, String message) {
    this(kind, message, null);
  }

  public Kind kind() {
    return kind;
  }

  /** Whether the same call may succeed later without anyone changing anything. */
  public boolean isRetryable() {
    return retryable;
  }

  /** The gRPC status code behind this error, or {@code null} when it did not come from a call. */
  public Status.Code grpcCode() {
    return code;
  }
}
