package eventhandler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import eventhandler.config.ConfigFixture;
import eventhandler.sim.SimulatedCluster;
import eventhandler.sim.fluentd.FluentdPki;
import eventhandler.sim.pki.IdentityOptions;
import eventhandler.tls.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code start --check} reads what {@code start} would refuse at once (credentials, Fluentd PEM
 * files, a start time that conflicts with the state), and both exit 2 with the same words, before
 * the storage directory exists.
 */
class StartLocalChecksTest {
  @TempDir Path dir;
  private ConfigFixture fixture;

  @BeforeEach
  void setUp() {
    fixture = new ConfigFixture(dir);
  }

  /** Runs {@code start --check} and {@code start}; both must refuse with {@code expected}. */
  private void bothRefuse(String expected, String... extra) {
    for (boolean check : new boolean[] {true, false}) {
      List<String> args = new ArrayList<>(List.of("start"));
      args.addAll(Arrays.asList(fixture.validArguments()));
      args.addAll(Arrays.asList(extra));
      if (check) {
        args.add("--check");
      }
      CommandLineRun run = CommandLineRun.run(Map.of(), args.toArray(String[]::new));

      assertThat(run.exitCode()).as("exit code of %s; stderr:%n%s", args, run.err()).isEqualTo(2);
      assertThat(run.err()).contains("error: invalid configuration").contains(expected);
      assertThat(run.err()).doesNotContain("\tat ");
      assertThat(run.out()).doesNotContain("The configuration is valid.");
      assertThat(fixture.storage).as("storage made before the checks passed").doesNotExist();
    }
  }

  @Test
  void theFixtureItselfIsValid() {
    List<String> args = new ArrayList<>(List.of("start", "--check"));
    args.addAll(Arrays.asList(fixture.validArguments()));
    CommandLineRun run = CommandLineRun.run(Map.of(), args.toArray(String[]::new));

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).endsWith("The configuration is valid.\n");
    assertThat(fixture.storage).doesNotExist();
  }

  @Test
  void aGarbageIdentityFile() throws IOException {
    Files.writeString(fixture.identity, "not an identity\n");
    bothRefuse("teleport-identity (from flag --teleport-identity): ");
  }

  @Test
  void anEmptyIdentityFile() throws IOException {
    Files.writeString(fixture.identity, "");
    bothRefuse("teleport-identity (from flag --teleport-identity): ");
  }

  @Test
  void anExpiredIdentityFile() throws IOException {
    Instant now = Instant.now();
    SimulatedCluster.builder()
        .events(0)
        .build()
        .writeIdentity(
            fixture.identity,
            IdentityOptions.defaults()
                .withValidity(now.minus(Duration.ofHours(14)), now.minus(Duration.ofHours(2))));
    bothRefuse("expired at");
  }

  @Test
  void aGarbageFluentdCertificate() throws IOException {
    Files.writeString(fixture.fluentdCert, "garbage");
    bothRefuse("fluentd-cert (from flag --fluentd-cert): ");
  }

  @Test
  void aGarbageFluentdKey() throws IOException {
    Files.writeString(fixture.fluentdKey, "garbage");
    bothRefuse("fluentd-key (from flag --fluentd-key): cannot use the private key in");
  }

  @Test
  void aGarbageFluentdCa() throws IOException {
    Files.writeString(fixture.fluentdCa, "garbage");
    bothRefuse("fluentd-ca (from flag --fluentd-ca): ");
  }

  @Test
  void aFluentdKeyOfAnotherCertificate() throws IOException {
    FluentdPki other = new FluentdPki(dir.resolve("other"));
    Files.copy(
        other.clientKeyFile, fixture.fluentdKey, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    bothRefuse("does not belong to the certificate in " + fixture.fluentdCert);
  }

  @Test
  void anEncryptedFluentdKeyIsRefusedAtValidation() throws IOException {
    FluentdPki pki = new FluentdPki(dir.resolve("encrypted"));
    Files.writeString(
        fixture.fluentdKey,
        Pem.encodeEncrypted(pki.client.keyPair().getPrivate(), "s3cret".toCharArray()));
    Files.copy(
        pki.clientCertFile, fixture.fluentdCert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    bothRefuse("the client key must be unencrypted PEM");
  }

  @Test
  void aStartTimeThatConflictsWithTheStoredOne() throws IOException {
    Path state = fixture.storage.resolve("localhost_3025");
    Files.createDirectories(state);
    Files.writeString(state.resolve("start_time"), "2021-05-05T00:00:00Z");
    List<String> args = new ArrayList<>(List.of("start", "--check"));
    args.addAll(Arrays.asList(fixture.validArguments()));
    args.add("--start-time=2022-01-01T00:00:00Z");

    CommandLineRun run = CommandLineRun.run(Map.of(), args.toArray(String[]::new));

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("start-time (from flag --start-time): --start-time is 2022-01-01T00:00:00Z")
        .contains("started at 2021-05-05T00:00:00Z")
        .contains("remove " + state);
    assertThat(Files.readString(state.resolve("start_time"))).isEqualTo("2021-05-05T00:00:00Z");

    args.set(args.size() - 1, "--start-time=2021-05-05T00:00:00Z");
    assertThat(CommandLineRun.run(Map.of(), args.toArray(String[]::new)).exitCode())
        .as("the stored start time itself is fine")
        .isZero();
  }
}
