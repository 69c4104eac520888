package eventhandler.teleport.dial;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** TELEPORT_TLS_ROUTING_CONN_UPGRADE and ..._MODE as Teleport's client reads them. */
class UpgradeCheckTest {
  private static UpgradeCheck check(Map<String, String> env) {
    return new UpgradeCheck(env, null, null);
  }

  @Test
  void theRequirementVariableForAllAndPerAddress() {
    String addr = "teleport.example.com:443";
    assertThat(check(Map.of()).byEnvironment(addr)).isEmpty();
    assertThat(check(Map.of(UpgradeCheck.REQUIRED_VARIABLE, "true")).byEnvironment(addr))
        .contains(true);
    assertThat(check(Map.of(UpgradeCheck.REQUIRED_VARIABLE, "yes")).byEnvironment(addr))
        .contains(true);
    assertThat(check(Map.of(UpgradeCheck.REQUIRED_VARIABLE, "0")).byEnvironment(addr))
        .contains(false);
    assertThat(
            check(Map.of(UpgradeCheck.REQUIRED_VARIABLE, "other.com:443=true;" + addr + "=no"))
                .byEnvironment(addr))
        .contains(false);
    assertThat(
            check(Map.of(UpgradeCheck.REQUIRED_VARIABLE, "0," + addr + "=1")).byEnvironment(addr))
        .contains(true);
    // An entry for another address only: not required for this one, unless a bare value says so.
    assertThat(
            check(Map.of(UpgradeCheck.REQUIRED_VARIABLE, "other.com:443=true")).byEnvironment(addr))
        .contains(false);
    assertThat(
            check(Map.of(UpgradeCheck.REQUIRED_VARIABLE, "true,other.com:443=false"))
                .byEnvironment(addr))
        .contains(true);
  }

  @Test
  void theModeVariableChoosesTheForms() {
    assertThat(check(Map.of()).forms()).containsExactly(Upgrade.WEBSOCKET, Upgrade.LEGACY);
    assertThat(check(Map.of(UpgradeCheck.MODE_VARIABLE, "legacy")).forms())
        .isEqualTo(List.of(Upgrade.LEGACY));
    assertThat(check(Map.of(UpgradeCheck.MODE_VARIABLE, "WebSocket")).forms())
        .isEqualTo(List.of(Upgrade.WEBSOCKET));
  }
}
