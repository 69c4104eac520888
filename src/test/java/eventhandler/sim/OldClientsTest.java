package eventhandler.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import eventhandler.teleport.proto.auth.PingRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A v19 cluster run like {@code TELEPORT_UNSTABLE_REJECT_OLD_CLIENTS=yes}. */
class OldClientsTest {
  @TempDir static Path dir;
  static SimulatedCluster cluster;
  static Path identity;

  @BeforeAll
  static void start() throws Exception {
    cluster =
        SimulatedCluster.builder()
            .events(10)
            .serverVersion("19.2.1")
            .rejectOldClients(true)
            .build()
            .start();
    identity = cluster.writeIdentity(dir.resolve("identity")).file();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"16.0.0", "17.9.9", "18.0.0-a", "garbage", "v18.0.0", "18.0", ""})
  void anOldOrUnparsableVersionIsRefusedAndItsConnectionClosed(String version) throws Exception {
    long refusedBefore = cluster.refusedOldClientCalls();
    try (TestClient client = TestClient.connect(auth(), identity, List.of("h2"), version)) {
      assertThatThrownBy(() -> client.auth.ping(PingRequest.getDefaultInstance()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
                assertThat(e.getStatus().getDescription())
                    .isEqualTo("client version is unsupported");
              });
      await().atMost(Duration.ofSeconds(5)).until(() -> cluster.openAuthConnections() == 0);
    }
    assertThat(cluster.refusedOldClientCalls()).isEqualTo(refusedBefore + 1);
    assertThat(cluster.versionHeaders()).contains(version);
  }

  @ParameterizedTest
  @ValueSource(strings = {"18.0.0", "18.0.0-alpha.1", "18.0.0-rc.2", "19.2.1", "20.0.0+build.7"})
  void aSupportedVersionIsServed(String version) throws Exception {
    try (TestClient client = TestClient.connect(auth(), identity, List.of("h2"), version)) {
      assertThat(client.auth.ping(PingRequest.getDefaultInstance()).getServerVersion())
          .isEqualTo("19.2.1");
    }
  }

  @Test
  void aCallWithoutAVersionHeaderIsServed() throws Exception {
    try (TestClient client = TestClient.connect(auth(), identity, List.of("h2"), null)) {
      client.auth.ping(PingRequest.getDefaultInstance());
    }
    assertThat(cluster.versionHeaders()).contains((String) null);
  }

  @Test
  void throughTheProxyTheRefusalIsTheSame() throws Exception {
    try (TestClient client =
        TestClient.connect(
            cluster.proxySocketAddress(),
            identity,
            List.of(cluster.authAlpnProtocol(), "h2"),
            "16.0.0")) {
      assertThatThrownBy(() -> client.auth.ping(PingRequest.getDefaultInstance()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
    }
  }

  @Test
  void theOldestSupportedVersionIsWhatFindReports() {
    assertThat(cluster.minClientVersion()).isEqualTo("18.0.0-aa");
  }

  @Test
  void withoutTheOptionOldClientsAreServed() throws Exception {
    try (SimulatedCluster lenient =
        SimulatedCluster.builder().events(1).serverVersion("19.2.1").build().start()) {
      Path file = lenient.writeIdentity(dir.resolve("lenient")).file();
      try (TestClient client =
          TestClient.connect(lenient.authSocketAddress(), file, List.of("h2"), "16.0.0")) {
        client.auth.ping(PingRequest.getDefaultInstance());
      }
      assertThat(lenient.refusedOldClientCalls()).isZero();
    }
  }

  @Test
  void rejectingNeedsASemverServerVersion() {
    assertThatThrownBy(
            () -> SimulatedCluster.builder().serverVersion("dev").rejectOldClients(true).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("semver serverVersion");
  }

  private static InetSocketAddress auth() {
    return cluster.authSocketAddress();
  }
}
