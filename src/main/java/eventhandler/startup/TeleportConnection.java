package eventhandler.startup;

import eventhandler.retry.Backoff;
import eventhandler.retry.RetryDelays;
import eventhandler.teleport.ConnectOptions;
import eventhandler.teleport.GrpcTeleportClient;
import eventhandler.teleport.ReloadableCredentials;
import eventhandler.teleport.TeleportConnector;
import eventhandler.teleport.TeleportException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first connection to Teleport. Problems the user must fix end the program; an unreachable
 * cluster is retried with backoff for as long as it takes, so a Teleport outage at start loses
 * nothing.
 */
final class TeleportConnection {
  /** Launcher's log: the lines keep the logger name they always had. */
  private static final Logger LOG = LoggerFactory.getLogger(Launcher.class);

  private static final Duration RETRY_MAX = Duration.ofMinutes(1);

  private TeleportConnection() {}

  /** The connected client, or null when {@code stopRequested} was counted down first. */
  static GrpcTeleportClient open(
      TeleportConnector connector,
      ConnectOptions options,
      ReloadableCredentials credentials,
      CountDownLatch stopRequested)
      throws InterruptedException {
    RetryDelays retryDelays =
        new Backoff(Duration.ofSeconds(2), RETRY_MAX, new SecureRandom()::nextLong).delays();
    while (stopRequested.getCount() > 0) {
      try {
        // The connector logs which cluster it reached and how.
        return connector.connect(options, credentials);
      } catch (TeleportException e) {
        if (e.kind() != TeleportException.Kind.CONNECTION) {
          throw e;
        }
        Duration delay = retryDelays.next();
        // A warning: the program goes on trying, and a cluster that comes back is used at once.
        LOG.warn(
            "cannot connect to Teleport (retrying in {} s): {}",
            Math.max(1, delay.toSeconds()),
            e.getMessage());
        if (stopRequested.await(delay.toMillis(), TimeUnit.MILLISECONDS)) {
          break;
        }
      }
    }
    return null;
  }
}
