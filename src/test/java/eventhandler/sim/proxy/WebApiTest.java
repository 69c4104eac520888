package eventhandler.sim.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import eventhandler.sim.SimulatedCluster;
import eventhandler.sim.TestClient;
import eventhandler.teleport.proto.auth.PingRequest;
import eventhandler.testing.RawHttpsClient;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /webapi/find} and {@code /webapi/ping} with the field names of Teleport's webclient. */
class WebApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void findWithTlsRoutingNamesTheWebAddressEverywhere() throws Exception {
    try (SimulatedCluster cluster = SimulatedCluster.builder().events(1).build().start()) {
      JsonNode find = get(cluster, "/webapi/find");
      String web = cluster.proxyAddress();
      assertThat(find.path("proxy").path("tls_routing_enabled").asBoolean()).isTrue();
      JsonNode ssh = find.path("proxy").path("ssh");
      for (String field :
          List.of(
              "listen_addr",
              "tunnel_listen_addr",
              "web_listen_addr",
              "public_addr",
              "ssh_public_addr",
              "ssh_tunnel_public_addr")) {
        assertThat(ssh.path(field).asText()).as(field).isEqualTo(web);
      }
      assertThat(ssh.path("dial_timeout").asLong()).isEqualTo(30_000_000_000L);
      assertThat(find.path("server_version").asText()).isEqualTo("16.4.12");
      assertThat(find.path("min_client_version").asText()).isEqualTo("15.0.0-aa");
      assertThat(find.path("cluster_name").asText()).isEqualTo("sim.example.com");
      assertThat(find.has("auth")).isFalse();
    }
  }

  @Test
  void pingAddsTheAuthSettings() throws Exception {
    try (SimulatedCluster cluster =
        SimulatedCluster.builder().events(1).serverVersion("19.1.0").build().start()) {
      JsonNode ping = get(cluster, "/webapi/ping");
      assertThat(ping.path("auth").path("type").asText()).isEqualTo("local");
      assertThat(ping.path("auth").path("second_factor").asText()).isEqualTo("otp");
      assertThat(ping.path("proxy").path("tls_routing_enabled").asBoolean()).isTrue();
      assertThat(ping.path("proxy").path("ssh").path("public_addr").asText())
          .isEqualTo(cluster.proxyAddress());
      assertThat(ping.path("server_version").asText()).isEqualTo("19.1.0");
      assertThat(ping.path("min_client_version").asText()).isEqualTo("18.0.0-aa");
      assertThat(ping.path("cluster_name").asText()).isEqualTo("sim.example.com");
    }
  }

  @Test
  void withoutTlsRoutingTheTunnelIsPort3024OfTheWebHostAndAuthIsStillRouted() throws Exception {
    try (SimulatedCluster cluster =
        SimulatedCluster.builder().events(1).tlsRouting(false).build().start()) {
      JsonNode find = get(cluster, "/webapi/find");
      JsonNode ssh = find.path("proxy").path("ssh");
      assertThat(find.path("proxy").path("tls_routing_enabled").asBoolean()).isFalse();
      assertThat(ssh.path("ssh_tunnel_public_addr").asText()).isEqualTo("127.0.0.1:3024");
      assertThat(ssh.path("tunnel_listen_addr").asText()).isEqualTo("127.0.0.1:3024");
      assertThat(ssh.path("ssh_public_addr").asText()).isEqualTo("127.0.0.1:3023");
      assertThat(ssh.path("web_listen_addr").asText()).isEqualTo(cluster.proxyAddress());
      assertThat(ssh.path("public_addr").asText()).isEqualTo(cluster.proxyAddress());
      Path identity = cluster.writeIdentity(dir.resolve("identity")).file();
      try (TestClient client = TestClient.viaProxy(cluster, identity)) {
        client.auth.ping(PingRequest.getDefaultInstance());
      }
    }
  }

  @Test
  void aSetTunnelAddressIsReportedWithoutTlsRouting() throws Exception {
    try (SimulatedCluster cluster =
        SimulatedCluster.builder()
            .events(1)
            .tlsRouting(false)
            .tunnelPublicAddress("127.0.0.1:4024")
            .build()
            .start()) {
      JsonNode ssh = get(cluster, "/webapi/find").path("proxy").path("ssh");
      assertThat(ssh.path("ssh_tunnel_public_addr").asText()).isEqualTo("127.0.0.1:4024");
    }
  }

  private static JsonNode get(SimulatedCluster cluster, String path) throws Exception {
    try (RawHttpsClient client =
        new RawHttpsClient(
            RawHttpsClient.trusting(cluster.webCaCertificate()),
            cluster.proxySocketAddress().getPort())) {
      RawHttpsClient.Response response = client.request("GET", path, List.of(), new byte[0]);
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.headers().get("content-type")).isEqualTo("application/json");
      return JSON.readTree(response.body());
    }
  }
}
