package eventhandler.cli;

/** Process exit codes of every command. */
public final class ExitCodes {
  /** Success. */
  public static final int OK = 0;

  /** A failure at run time (network, Teleport, Fluentd, disk). */
  public static final int FAILURE = 1;

  /** Bad command line or configuration; nothing was attempted. */
  public static final int USAGE = 2;

  private ExitCodes() {}
}
