package eventhandler.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

class DryRunSinkTest {
  @Test
  void acceptsEverythingAndCountsPerUrl() throws Exception {
    DryRunSink sink = new DryRunSink(Clock.systemUTC());
    URI events = URI.create("https://fluentd:8888/test.log");
    URI session = URI.create("https://fluentd:8888/session.abc.log");
    byte[] record = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    assertThat(sink.send(events, List.of(record, record)).get())
        .isEqualTo(new DeliveryReport(2, 0, 0, 0));
    sink.send(session, List.of(record)).get();
    assertThat(sink.tallies())
        .containsEntry(events, new DryRunSink.Tally(2, 14))
        .containsEntry(session, new DryRunSink.Tally(1, 7));
    assertThat(sink.totalEvents()).isEqualTo(3);
    assertThat(sink.health().lastSuccess()).isNotNull();
    sink.close();
    assertThat(sink.send(events, List.of(record))).isCompletedExceptionally();
  }
}
