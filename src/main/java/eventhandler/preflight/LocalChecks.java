package eventhandler.preflight;

import eventhandler.config.FluentdSettings;
import eventhandler.config.Problem;
import eventhandler.config.Setting;
import eventhandler.config.Settings;
import eventhandler.config.TeleportCredentials;
import eventhandler.pipeline.StartTimeConflictException;
import eventhandler.state.StateStore;
import eventhandler.teleport.CertificateValidity;
import eventhandler.teleport.CredentialSource;
import eventhandler.teleport.Credentials;
import eventhandler.teleport.TeleportException;
import eventhandler.tls.KeyMatch;
import eventhandler.tls.Pem;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@code start} and {@code start --check} read before anything touches the network or the
 * storage directory: the Teleport credentials (parse, key pair, validity now), the Fluentd client
 * certificate, key and CA (parse, key pair; an encrypted key cannot be used), and a {@code
 * --start-time} against the one stored. All of it is local, so a configuration that {@code --check}
 * calls valid does not fail on these at start.
 */
public final class LocalChecks {
  private final Clock clock;

  public LocalChecks(Clock clock) {
    this.clock = clock;
  }

  /**
   * Every problem found, each naming its setting and where its value came from; empty when fine.
   */
  public List<Problem> problems(Settings settings) {
    List<Problem> problems = new ArrayList<>();
    teleport(settings, problems);
    fluentd(settings, problems);
    startTime(settings, problems);
    return problems;
  }

  private void teleport(Settings settings, List<Problem> problems) {
    TeleportCredentials configured = settings.teleport().credentials();
    Setting setting;
    CredentialSource source;
    if (configured instanceof TeleportCredentials.KeyPairFiles pair) {
      setting = Setting.TELEPORT_CERT;
      source =
          CredentialSource.keyPair(
              pair.certificate(), pair.privateKey(), pair.certificateAuthorities());
    } else {
      setting = Setting.TELEPORT_IDENTITY;
      source =
          CredentialSource.identityFile(((TeleportCredentials.IdentityFile) configured).path());
    }
    try {
      Credentials credentials = source.load();
      CertificateValidity.check(credentials, clock);
    } catch (TeleportException e) {
      problems.add(problem(settings, setting, e.getMessage()));
    }
  }

  private void fluentd(Settings settings, List<Problem> problems) {
    FluentdSettings fluentd = settings.fluentd();
    Optional<FluentdSettings.ClientCertificate> client = fluentd.clientCertificate();
    if (client.isEmpty()) {
      if (!settings.export().dryRun()) {
        problems.add(
            problem(
                settings,
                Setting.FLUENTD_CERT,
                "Fluentd needs a client certificate: set --fluentd-cert and --fluentd-key"
                    + " (configure writes client.crt and client.key)"));
      }
    } else {
      Path certFile = client.get().certificate();
      Path keyFile = client.get().privateKey();
      List<X509Certificate> chain =
          certificates(settings, Setting.FLUENTD_CERT, certFile, problems);
      PrivateKey key = privateKey(settings, keyFile, problems);
      if (chain != null && key != null && !KeyMatch.matches(key, chain.get(0))) {
        problems.add(
            problem(
                settings,
                Setting.FLUENTD_KEY,
                keyFile
                    + " does not belong to the certificate in "
                    + certFile
                    + " (subject "
                    + chain.get(0).getSubjectX500Principal().getName()
                    + "); use the client.crt and client.key of the same configure run"));
      }
    }
    fluentd.caFile().ifPresent(ca -> certificates(settings, Setting.FLUENTD_CA, ca, problems));
  }

  private List<X509Certificate> certificates(
      Settings settings, Setting setting, Path file, List<Problem> problems) {
    try {
      List<X509Certificate> certificates = Pem.readCertificates(file);
      if (certificates.isEmpty()) {
        problems.add(problem(settings, setting, file + " holds no PEM certificate"));
        return null;
      }
      return certificates;
    } catch (NoSuchFileException e) {
      problems.add(problem(settings, setting, "no such file: " + file));
    } catch (IOException | RuntimeException e) {
      problems.add(
          problem(
              settings,
              setting,
              "cannot read a PEM certificate from " + file + ": " + e.getMessage()));
    }
    return null;
  }

  private PrivateKey privateKey(Settings settings, Path file, List<Problem> problems) {
    try {
      return Pem.readPrivateKey(file);
    } catch (NoSuchFileException e) {
      problems.add(problem(settings, Setting.FLUENTD_KEY, "no such file: " + file));
    } catch (IOException | RuntimeException e) {
      problems.add(
          problem(
              settings,
              Setting.FLUENTD_KEY,
              "cannot use the private key in "
                  + file
                  + ": "
                  + e.getMessage()
                  + " (the client key must be unencrypted PEM, as configure writes client.key)"));
    }
    return null;
  }

  private void startTime(Settings settings, List<Problem> problems) {
    Optional<Instant> configured = settings.export().startTime();
    if (configured.isEmpty() || settings.export().dryRun()) {
      return; // a dry run keeps a state of its own, started afresh
    }
    Path storage = settings.export().storage();
    String address = settings.teleport().address().toString();
    try {
      Optional<Instant> stored = StateStore.storedStartTime(storage, address, clock);
      Instant wanted = configured.get().truncatedTo(ChronoUnit.SECONDS);
      if (stored.isPresent() && !stored.get().equals(wanted)) {
        problems.add(
            problem(
                settings,
                Setting.START_TIME,
                StartTimeConflictException.of(
                        wanted, stored.get(), storage.resolve(StateStore.directoryName(address)))
                    .getMessage()));
      }
    } catch (IOException e) {
      problems.add(
          problem(
              settings,
              Setting.STORAGE,
              "cannot read the stored start time in " + storage + ": " + e.getMessage()));
    }
  }

  private static Problem problem(Settings settings, Setting setting, String message) {
    return new Problem(setting, settings.provenance().of(setting), message);
  }
}
