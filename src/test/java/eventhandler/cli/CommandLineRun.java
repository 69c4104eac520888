package eventhandler.cli;

import eventhandler.startup.ExportRunner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** One run of the real command line with a given environment and captured output. */
record CommandLineRun(int exitCode, String out, String err) {
  static CommandLineRun run(Map<String, String> env, ExportRunner runner, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        new RootCommand(env, new PrintWriter(out, true), new PrintWriter(err, true), runner)
            .execute(args);
    return new CommandLineRun(code, out.toString(), err.toString());
  }

  /** A run whose export runner must not be reached. */
  static CommandLineRun run(Map<String, String> env, String... args) {
    return run(
        env,
        settings -> {
          throw new AssertionError("the export must not start");
        },
        args);
  }
}
