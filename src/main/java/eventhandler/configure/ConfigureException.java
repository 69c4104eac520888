package eventhandler.configure;

/**
 * A {@code configure} failure the user can act on. The message is one line saying what is wrong and
 * what to do; it is printed without a stack trace.
 */
public final class ConfigureException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Exit code of a usage or input error. */
  public static final int USER_ERROR = 2;

  /** Exit code when the user declined to overwrite existing files. */
  public static final int DECLINED = 1;

  private final int exitCode;

  public ConfigureException(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  public static ConfigureException userError(String message) {
    return new ConfigureException(message, USER_ERROR);
  }

  public int exitCode() {
    return exitCode;
  }
}
