package eventhandler.pipeline;

/**
 * A stop interrupts the export threads; a Teleport call cut short by it fails with CANCELLED and
 * leaves the thread's interrupt set. Retry loops call this first so a stop ends them at once
 * instead of being logged as a Teleport failure and retried.
 */
public final class Interrupts {
  private Interrupts() {}

  /** Turns a pending interrupt (a stop) into an exception, clearing the flag as the JDK does. */
  public static void throwIfInterrupted() throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException("stopping");
    }
  }
}
