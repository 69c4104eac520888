package eventhandler.cli;

import picocli.CommandLine.Command;

/** {@code start}: placeholder until settings resolution lands. */
@Command(name = "start", description = "Start exporting events to Fluentd.")
public final class StartCommand implements Runnable {
  @Override
  public void run() {
    throw new UnsupportedOperationException("start is not implemented yet");
  }
}
