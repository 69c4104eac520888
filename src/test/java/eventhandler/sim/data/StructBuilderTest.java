package eventhandler.sim.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.util.List;
import org.junit.jupiter.api.Test;

class StructBuilderTest {
  @Test
  void writesTheBytesProtobufReadsAsTheSameStruct() throws Exception {
    StructBuilder identity =
        new StructBuilder().put("user", "alice").put("roles", List.of("a", "b"));
    StructBuilder json =
        new StructBuilder()
            .put("event", "user.login")
            .put("text", "ünïcødé ✓ and a \"quote\"")
            .put("ei", 42)
            .put("ratio", -0.5)
            .put("success", false)
            .put("empty", List.of())
            .put("identity", identity);

    Struct expected =
        Struct.newBuilder()
            .putFields("event", string("user.login"))
            .putFields("text", string("ünïcødé ✓ and a \"quote\""))
            .putFields("ei", Value.newBuilder().setNumberValue(42).build())
            .putFields("ratio", Value.newBuilder().setNumberValue(-0.5).build())
            .putFields("success", Value.newBuilder().setBoolValue(false).build())
            .putFields(
                "empty", Value.newBuilder().setListValue(ListValue.getDefaultInstance()).build())
            .putFields(
                "identity",
                Value.newBuilder()
                    .setStructValue(
                        Struct.newBuilder()
                            .putFields("user", string("alice"))
                            .putFields(
                                "roles",
                                Value.newBuilder()
                                    .setListValue(
                                        ListValue.newBuilder()
                                            .addValues(string("a"))
                                            .addValues(string("b")))
                                    .build()))
                    .build())
            .build();

    assertThat(Struct.parseFrom(json.toByteString())).isEqualTo(expected);
  }

  @Test
  void aServedEventReadsBackWithItsStruct() throws Exception {
    StructBuilder json = new StructBuilder().put("event", "exec").put("ei", 7);

    var served = WireEvent.of("exec", "id-1", 1_700_000_000_123L, 7, json);
    var decoded = WireEvent.decoded(served);

    assertThat(served.hasUnstructured()).isFalse();
    assertThat(decoded.getUnstructured()).isEqualTo(Struct.parseFrom(json.toByteString()));
    assertThat(decoded.getType()).isEqualTo("exec");
    assertThat(decoded.getId()).isEqualTo("id-1");
    assertThat(decoded.getIndex()).isEqualTo(7);
    assertThat(decoded.getTime().getNanos()).isEqualTo(123_000_000);
  }

  private static Value string(String text) {
    return Value.newBuilder().setStringValue(text).build();
  }
}
