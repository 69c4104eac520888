package eventhandler.cli;

import eventhandler.config.Settings;
import java.io.PrintWriter;

/** The runner of a build without the export pipeline: says so and fails. */
public final class UnavailableExportRunner implements ExportRunner {
  private final PrintWriter err;

  public UnavailableExportRunner(PrintWriter err) {
    this.err = err;
  }

  @Override
  public int run(Settings settings) {
    err.println("error: the export pipeline is not available in this build");
    err.flush();
    return ExitCodes.FAILURE;
  }
}
