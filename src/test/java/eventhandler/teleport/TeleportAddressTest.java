package eventhandler.teleport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TeleportAddressTest {
  @Test
  void parsesHostPortAndIpv6() {
    assertThat(TeleportAddress.parse("localhost:3025", "--teleport-addr"))
        .isEqualTo(new TeleportAddress("localhost", 3025));
    assertThat(TeleportAddress.parse(" tenant.teleport.sh:443 ", "--teleport-addr"))
        .isEqualTo(new TeleportAddress("tenant.teleport.sh", 443));
    TeleportAddress v6 = TeleportAddress.parse("[::1]:3025", "--teleport-addr");
    assertThat(v6).isEqualTo(new TeleportAddress("::1", 3025));
    assertThat(v6.toString()).isEqualTo("[::1]:3025");
  }

  @Test
  void explainsBadAddresses() {
    assertThatThrownBy(() -> TeleportAddress.parse("teleport.example.com", "--teleport-addr"))
        .hasMessageContaining("--teleport-addr")
        .hasMessageContaining("has no port");
    assertThatThrownBy(() -> TeleportAddress.parse("https://t.example.com:443", "--teleport-addr"))
        .hasMessageContaining("without a scheme");
    assertThatThrownBy(() -> TeleportAddress.parse("host:99999", "--teleport-addr"))
        .hasMessageContaining("1 to 65535");
    assertThatThrownBy(() -> TeleportAddress.parse("", "--teleport-addr"))
        .hasMessageContaining("is empty");
  }
}
