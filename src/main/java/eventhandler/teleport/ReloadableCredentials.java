package eventhandler.teleport;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The credentials in use, re-read from their files on demand ({@link #reload()}, e.g. on SIGHUP)
 * and, when refresh is on, on a fixed interval. TLS handshakes read {@link #current()}, so new
 * connections use the newest certificate while open ones keep theirs. A failed reload keeps the
 * credentials in use and logs why.
 */
public final class ReloadableCredentials implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReloadableCredentials.class);

  /** What a reload did. */
  public enum Outcome {
    /** New certificate or CAs are now in use. */
    CHANGED,
    /** The files hold the same credentials as before. */
    UNCHANGED,
    /** The files could not be used; the previous credentials stay in use. */
    FAILED;

    /** How a log line says it, in words rather than the constant's capitals. */
    @Override
    public String toString() {
      return switch (this) {
        case CHANGED -> "changed, the new certificate is in use";
        case UNCHANGED -> "unchanged";
        case FAILED -> "failed, the previous certificate stays in use";
      };
    }
  }

  private final CredentialSource source;
  private final Clock clock;
  private final Counter changed;
  private final Counter unchanged;
  private final Counter failed;
  private volatile Credentials current;
  // The credentials before the last change: a handshake that picked them just before the change
  // still finds its key by alias.
  private volatile Credentials previous;
  private ScheduledFuture<?> refresh;

  /**
   * Loads the credentials once; throws a CREDENTIALS {@link TeleportException} when the files are
   * bad or the certificate is expired or not yet valid.
   */
  public ReloadableCredentials(CredentialSource source, Clock clock, MeterRegistry registry) {
    this.source = source;
    this.clock = clock;
    Credentials initial = source.load();
    CertificateValidity.check(initial, clock);
    this.current = initial;
    this.changed = reloads(registry, "changed");
    this.unchanged = reloads(registry, "unchanged");
    this.failed = reloads(registry, "failed");
    TimeGauge.builder(
            "eventhandler.teleport.certificate.expiry",
            this,
            TimeUnit.SECONDS,
            self -> Duration.between(clock.instant(), self.current.notAfter()).toSeconds())
        .description("Time until the Teleport client certificate in use expires")
        .register(registry);
  }

  private static Counter reloads(MeterRegistry registry, String result) {
    return Counter.builder("eventhandler.teleport.credentials.reloads")
        .description("Reloads of the Teleport identity, by result")
        .tag("result", result)
        .register(registry);
  }

  public Credentials current() {
    return current;
  }

  public CredentialSource source() {
    return source;
  }

  /** The credentials whose certificate serial is {@code serial}: the current or the previous. */
  Credentials bySerial(String serial) {
    Credentials now = current;
    if (now.serial().equals(serial)) {
      return now;
    }
    Credentials before = previous;
    return before != null && before.serial().equals(serial) ? before : null;
  }

  /** Reads the files again; new connections use the result when it is usable. Never throws. */
  public synchronized Outcome reload() {
    Credentials old = current;
    Credentials fresh;
    try {
      fresh = source.load();
      CertificateValidity.check(fresh, clock);
    } catch (TeleportException e) {
      failed.increment();
      LOG.warn(
          "cannot reload the Teleport credentials, still using the certificate {} (valid until"
              + " {}): {}",
          old.serial(),
          old.notAfter(),
          e.getMessage());
      warnIfExpired();
      return Outcome.FAILED;
    } catch (RuntimeException e) {
      failed.increment();
      LOG.warn(
          "cannot reload the Teleport credentials from the {}, still using the certificate {}: {}",
          source.description(),
          old.serial(),
          e.toString());
      return Outcome.FAILED;
    }
    if (fresh.serial().equals(old.serial()) && fresh.authorities().equals(old.authorities())) {
      unchanged.increment();
      LOG.debug("the {} is unchanged", source.description());
      return Outcome.UNCHANGED;
    }
    previous = old;
    current = fresh;
    changed.increment();
    LOG.info(
        "loaded a new Teleport client certificate from the {}: serial {}, valid until {};"
            + " new connections use it",
        source.description(),
        fresh.serial(),
        fresh.notAfter());
    return Outcome.CHANGED;
  }

  /** Reloads every {@code interval} on {@code scheduler} until {@link #close()}. */
  public synchronized void startRefreshing(ScheduledExecutorService scheduler, Duration interval) {
    if (refresh != null) {
      throw new IllegalStateException("already refreshing");
    }
    long millis = interval.toMillis();
    refresh = scheduler.scheduleWithFixedDelay(this::reload, millis, millis, TimeUnit.MILLISECONDS);
  }

  private void warnIfExpired() {
    String problem = CertificateValidity.problem(current, clock.instant());
    if (problem != null) {
      LOG.warn("{}", problem);
    }
  }

  /** Stops the periodic refresh (the scheduler itself belongs to the caller). */
  @Override
  public synchronized void close() {
    if (refresh != null) {
      refresh.cancel(false);
    }
  }
}
