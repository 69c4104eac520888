package eventhandler.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Locking users after failed logins.
 *
 * @param enabled {@code --lock-enabled}; the pipeline also skips locking under dry-run
 * @param failedAttemptsCount failures allowed within {@code period}; one more locks ({@code
 *     --lock-failed-attempts-count}), at least 1
 * @param period time span in which failures are counted ({@code --lock-period}), positive
 * @param lockFor lock duration ({@code --lock-for}); {@link Duration#ZERO} means no expiry
 */
public record LockSettings(
    boolean enabled, int failedAttemptsCount, Duration period, Duration lockFor) {
  public LockSettings {
    Objects.requireNonNull(period, "period");
    Objects.requireNonNull(lockFor, "lockFor");
  }

  /** How long a lock lasts, or empty when it never expires. */
  public Optional<Duration> expiry() {
    return lockFor.isZero() ? Optional.empty() : Optional.of(lockFor);
  }
}
