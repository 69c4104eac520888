package eventhandler.config;

/**
 * One thing wrong with the configuration: the setting, where its value came from, and what is wrong
 * with it (and, where it helps, what to do).
 */
public record Problem(Setting setting, Source source, String message) {
  /** {@code window-size (from env FDFWD_WINDOW_SIZE): <message>}. */
  public String describe() {
    String origin = source instanceof Source.Default ? "" : " (from " + source.describe() + ")";
    return setting.flagName() + origin + ": " + message;
  }
}
