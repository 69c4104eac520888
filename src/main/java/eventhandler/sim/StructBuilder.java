package eventhandler.sim;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.util.List;

/** Builds the protobuf Struct form of an event's JSON, field by field. */
final class StructBuilder {
  private final Struct.Builder struct = Struct.newBuilder();

  StructBuilder put(String key, String value) {
    struct.putFields(key, Value.newBuilder().setStringValue(value).build());
    return this;
  }

  StructBuilder put(String key, double value) {
    struct.putFields(key, Value.newBuilder().setNumberValue(value).build());
    return this;
  }

  StructBuilder put(String key, boolean value) {
    struct.putFields(key, Value.newBuilder().setBoolValue(value).build());
    return this;
  }

  StructBuilder put(String key, List<String> values) {
    ListValue.Builder list = ListValue.newBuilder();
    for (String value : values) {
      list.addValues(Value.newBuilder().setStringValue(value));
    }
    struct.putFields(key, Value.newBuilder().setListValue(list).build());
    return this;
  }

  StructBuilder put(String key, Struct value) {
    struct.putFields(key, Value.newBuilder().setStructValue(value).build());
    return this;
  }

  Struct build() {
    return struct.build();
  }
}
