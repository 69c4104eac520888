package eventhandler.teleport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Checks that a client certificate is valid now and says how to renew it when it is not. */
public final class CertificateValidity {
  static final String RENEW_HINT =
      "Renew it with 'tctl auth sign --user=teleport-event-handler --out=identity', or let"
          + " Machine ID (tbot) renew it and run with --teleport-refresh-enabled so that the"
          + " renewed file is picked up";

  private CertificateValidity() {}

  /** Throws a CREDENTIALS error when {@code credentials} is expired or not yet valid at now. */
  public static void check(Credentials credentials, Clock clock) {
    String problem = problem(credentials, clock.instant());
    if (problem != null) {
      throw new TeleportException(TeleportException.Kind.CREDENTIALS, problem);
    }
  }

  /** Whether the certificate is valid at {@code now}. */
  public static boolean isValid(Credentials credentials, Instant now) {
    return problem(credentials, now) == null;
  }

  /** A user-facing sentence when the certificate is not valid at {@code now}, else null. */
  static String problem(Credentials credentials, Instant now) {
    if (now.isAfter(credentials.notAfter())) {
      return notValid(
          credentials,
          " expired at " + credentials.notAfter(),
          human(Duration.between(credentials.notAfter(), now)) + " ago",
          RENEW_HINT + ".");
    }
    if (now.isBefore(credentials.notBefore())) {
      return notValid(
          credentials,
          " is not valid before " + credentials.notBefore(),
          "in " + human(Duration.between(now, credentials.notBefore())),
          "Check this machine's clock (is NTP running?), or wait until then.");
    }
    return null;
  }

  /** "the client certificate in the SOURCE WHEN (HOW FAR). WHAT TO DO" */
  private static String notValid(
      Credentials credentials, String when, String howFar, String whatToDo) {
    return "the client certificate in the "
        + credentials.source()
        + when
        + " ("
        + howFar
        + "). "
        + whatToDo;
  }

  static String human(Duration duration) {
    Duration d = duration.truncatedTo(ChronoUnit.SECONDS);
    if (d.toDays() >= 2) {
      return d.toDays() + " days";
    }
    if (d.toHours() >= 2) {
      return d.toHours() + " hours";
    }
    if (d.toMinutes() >= 2) {
      return d.toMinutes() + " minutes";
    }
    return d.toSeconds() + " seconds";
  }
}
