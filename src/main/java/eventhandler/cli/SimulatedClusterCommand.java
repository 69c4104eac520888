package eventhandler.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;

/**
 * What {@code demo} and {@code bench} share: both run the real export against a simulated cluster
 * grown from a seed, and write their report to the command's output streams.
 */
abstract class SimulatedClusterCommand implements Callable<Integer> {
  @Option(
      names = "--seed",
      paramLabel = "<n>",
      defaultValue = "1",
      description = "Seed of the simulated cluster.")
  long seed;

  final PrintWriter out;
  final PrintWriter err;

  SimulatedClusterCommand(PrintWriter out, PrintWriter err) {
    this.out = out;
    this.err = err;
  }
}
