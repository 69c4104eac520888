package eventhandler.cli;

import picocli.CommandLine.Command;

/** {@code configure}: placeholder until the mTLS bundle generator lands. */
@Command(name = "configure", description = "Generate an mTLS setup and sample configuration.")
public final class ConfigureCommand implements Runnable {
  @Override
  public void run() {
    throw new UnsupportedOperationException("configure is not implemented yet");
  }
}
