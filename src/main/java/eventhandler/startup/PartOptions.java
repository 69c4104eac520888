package eventhandler.startup;

import eventhandler.autolock.AutoLocker;
import eventhandler.config.ExportSettings;
import eventhandler.config.FluentdSettings;
import eventhandler.config.LockSettings;
import eventhandler.config.Settings;
import eventhandler.config.TeleportCredentials;
import eventhandler.config.TeleportSettings;
import eventhandler.pipeline.PipelineConfig;
import eventhandler.sink.FluentdSinkConfig;
import eventhandler.teleport.ConnectOptions;
import eventhandler.teleport.CredentialSource;

/**
 * The translation of the validated settings into each part's own options, so that no part below
 * {@code startup} depends on how settings are named or resolved.
 */
final class PartOptions {
  private PartOptions() {}

  static PipelineConfig pipeline(Settings settings) {
    ExportSettings export = settings.export();
    FluentdSettings fluentd = settings.fluentd();
    return new PipelineConfig(
        fluentd.url(),
        fluentd.sessionUrl(),
        export.batch(),
        export.types(),
        export.skipEventTypes(),
        export.skipSessionTypes(),
        export.startTime().orElse(null),
        export.pollInterval(),
        export.windowSize(),
        export.concurrency(),
        export.exitOnLastEvent(),
        fluentd.batchSize(),
        fluentd.batchBytes(),
        fluentd.maxConnections(),
        export.readConcurrency(),
        export.bulkPollInterval());
  }

  static FluentdSinkConfig sink(
      FluentdSettings fluentd, FluentdSettings.ClientCertificate certificate) {
    return new FluentdSinkConfig(
        fluentd.caFile().orElse(null),
        certificate.certificate(),
        certificate.privateKey(),
        fluentd.maxConnections(),
        fluentd.batchSize() == 1,
        fluentd.requestTimeout(),
        FluentdSinkConfig.DEFAULT_MIN_BACKOFF,
        FluentdSinkConfig.DEFAULT_MAX_BACKOFF,
        fluentd.deadLetterLimit());
  }

  static CredentialSource credentials(TeleportCredentials credentials) {
    if (credentials instanceof TeleportCredentials.KeyPairFiles pair) {
      return CredentialSource.keyPair(
          pair.certificate(), pair.privateKey(), pair.certificateAuthorities());
    }
    return CredentialSource.identityFile(((TeleportCredentials.IdentityFile) credentials).path());
  }

  static ConnectOptions connect(TeleportSettings teleport, CredentialSource credentials) {
    return ConnectOptions.of(teleport.address().toString(), credentials)
        .withRefresh(teleport.refreshEnabled(), teleport.refreshInterval())
        .withDialTimeout(teleport.dialTimeout())
        .withMaxInboundMessageSize(teleport.maxMessageBytes(), "--teleport-max-message-size");
  }

  static AutoLocker.Settings autoLock(LockSettings lock) {
    return new AutoLocker.Settings(lock.failedAttemptsCount(), lock.period(), lock.lockFor());
  }
}
