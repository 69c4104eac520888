package eventhandler.startup;

import eventhandler.config.Settings;

/**
 * Runs the export with validated settings; {@code start} hands over to it once the configuration is
 * known to be good. The implementation owns the process until it returns.
 */
@FunctionalInterface
public interface ExportRunner {
  /**
   * Runs the export.
   *
   * @param settings resolved and validated settings; files existed and were readable when checked
   * @return the process exit code: {@code 0} after a clean stop (for example {@code
   *     --exit-on-last-event} or a signal), {@code 1} when the export failed. Unchecked exceptions
   *     are reported as {@code error: <message>} with exit code 1.
   */
  int run(Settings settings);
}
