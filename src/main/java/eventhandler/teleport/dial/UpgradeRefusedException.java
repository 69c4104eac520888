package eventhandler.teleport.dial;

/**
 * The Proxy (or a load balancer in front of it) answered the connection upgrade with something
 * other than {@code 101 Switching Protocols}: another upgrade form may still work.
 */
public final class UpgradeRefusedException extends DialException {
  private static final long serialVersionUID = 1L;

  public UpgradeRefusedException(String message) {
    super(message);
  }
}
