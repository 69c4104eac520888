package eventhandler.startup;

import eventhandler.autolock.AutoLocker;
import eventhandler.config.LockSettings;
import eventhandler.pipeline.FailedLoginObserver;
import eventhandler.teleport.GrpcTeleportClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/** What the audit flow tells of failed logins: the auto-locker, or nobody. */
final class AutoLockStart {
  private AutoLockStart() {}

  /**
   * The auto-locker when {@code --lock-enabled} (never in a dry run, where the Go plugin does not
   * lock either). It is made before the connection, so its series exist from the start; it writes a
   * lock only after a failed login was read, so only once {@code client} is connected.
   */
  static FailedLoginObserver observer(
      LockSettings lock,
      boolean dryRun,
      Supplier<GrpcTeleportClient> client,
      Clock clock,
      ScheduledExecutorService scheduler,
      MeterRegistry registry) {
    if (!lock.enabled() || dryRun) {
      return FailedLoginObserver.NONE;
    }
    AutoLocker locker =
        new AutoLocker(
            PartOptions.autoLock(lock),
            writtenLock -> client.get().upsertLock(writtenLock),
            clock,
            scheduler,
            registry);
    return (body, time) -> locker.onEvent(FailedLoginObserver.USER_LOGIN, body, time);
  }
}
