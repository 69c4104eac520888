package eventhandler.teleport.dial;

import java.io.IOException;

/**
 * A failure on the way to the Teleport endpoint before its own TLS starts: the HTTP proxy, the load
 * balancer's TLS, the connection upgrade. The message is complete for a user: it says what answered
 * and what to check.
 */
public class DialException extends IOException {
  private static final long serialVersionUID = 1L;

  public DialException(String message) {
    super(message);
  }

  public DialException(String message, Throwable cause) {
    super(message, cause);
  }
}
