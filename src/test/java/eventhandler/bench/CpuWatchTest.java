package eventhandler.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CpuWatchTest {
  @Test
  void theReadersOfBothAuditPathsCountAsAuditReading() {
    for (String reader :
        new String[] {"audit-export-chunk-3", "audit-search-fetch", "audit-search-window-2"}) {
      assertThat(CpuWatch.groupOf(reader))
          .as(reader)
          .isEqualTo("export: audit reading, conversion");
    }
    assertThat(CpuWatch.groupOf("sim-io-3-1")).isEqualTo("simulated cluster");
    assertThat(CpuWatch.groupOf("grpc-nio-worker-ELG-1-2")).isEqualTo("export: gRPC client");
  }
}
