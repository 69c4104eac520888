package eventhandler.teleport.ssh;

import eventhandler.teleport.dial.DialException;

/** The SSH tunnel could not carry a connection to Auth; the message says which step and why. */
public final class TunnelException extends DialException {
  private static final long serialVersionUID = 1L;

  TunnelException(String message, Throwable cause) {
    super(message, cause);
  }
}
