package eventhandler.testing;

import eventhandler.cli.RootCommand;
import eventhandler.startup.Launcher;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The real {@code start} command line running in a daemon thread of the test JVM. Its {@link
 * Launcher} is made before the command line runs (unlike {@code eventhandler.demo.InProcessStart},
 * which makes it when the export begins), so a stop at any moment ends the run, even one a failing
 * test leaves behind.
 */
public final class BackgroundStart {
  /** A run that did not end by itself within this time is stopped and fails the test. */
  public static final Duration RUN_LIMIT = Duration.ofSeconds(60);

  /** What a run of {@code start} ended with. */
  public record Result(int exitCode, String out, String err) {}

  private final Launcher job;
  private final StringWriter err = new StringWriter();
  private final CompletableFuture<Result> result;

  private BackgroundStart(Launcher.Options options, List<String> arguments) {
    StringWriter out = new StringWriter();
    PrintWriter errWriter = new PrintWriter(err, true);
    job = new Launcher(Clock.systemUTC(), errWriter, options);
    result =
        CompletableFuture.supplyAsync(
            () -> {
              int code =
                  new RootCommand(Map.of(), new PrintWriter(out, true), errWriter, job::run)
                      .execute(arguments.toArray(String[]::new));
              return new Result(code, out.toString(), err.toString());
            },
            runnable -> {
              Thread thread = new Thread(runnable, "background-start");
              thread.setDaemon(true);
              thread.start();
            });
  }

  /** Runs {@code start arguments...} with an export made with {@code options}. */
  public static BackgroundStart launch(Launcher.Options options, List<String> arguments) {
    return new BackgroundStart(options, arguments);
  }

  /** Where the operations listener listens, once it does ({@code --metrics-addr}). */
  public Optional<InetSocketAddress> opsAddress() {
    return job.opsAddress();
  }

  /** What the run wrote to its standard error so far. */
  public String errors() {
    return err.toString();
  }

  public boolean isDone() {
    return result.isDone();
  }

  /** Stops the run as SIGTERM does and waits up to {@link #RUN_LIMIT} for it to end. */
  public Result stop() {
    return stop(RUN_LIMIT);
  }

  /** Stops the run as SIGTERM does and waits up to {@code limit} for it to end. */
  public Result stop(Duration limit) {
    job.stop();
    return await(limit);
  }

  /** Waits up to {@link #RUN_LIMIT} for the run to end by itself. */
  public Result await() {
    return await(RUN_LIMIT);
  }

  /** Waits up to {@code limit} for the run to end by itself; stops it and fails after that. */
  public Result await(Duration limit) {
    try {
      return result.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      job.stop();
      throw new AssertionError("start did not end within " + limit + "; its errors:\n" + err, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      job.stop();
      throw new AssertionError("interrupted", e);
    } catch (ExecutionException e) {
      throw new AssertionError("start threw", e.getCause());
    }
  }
}
