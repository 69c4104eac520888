package eventhandler.event;

import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.ToIntFunction;

/**
 * Rough single-thread throughput of {@link EventJson#toJson} on a typical ~450-byte audit event.
 * Not a test (no JMH on the class path): run its main by hand, on an otherwise quiet machine.
 */
public final class EventJsonThroughput {
  static final String TYPICAL_EVENT =
      "{\"ei\":0,\"event\":\"user.login\",\"uid\":\"6f1c2b7e-3c1d-4b8e-9a51-2f0e8d7c6b5a\","
          + "\"code\":\"T1000W\",\"time\":\"2024-10-16T10:15:42.123Z\","
          + "\"cluster_name\":\"teleport.example.com\",\"user\":\"alice@example.com\","
          + "\"required_private_key_policy\":\"none\",\"success\":false,"
          + "\"error\":\"invalid username, password or second factor\",\"method\":\"local\","
          + "\"addr.remote\":\"203.0.113.7:51234\",\"mfa_device\":{\"mfa_device_name\":\"key\","
          + "\"mfa_device_uuid\":\"9b2f\",\"mfa_device_type\":\"WebAuthn\"},\"attempts\":3}";

  private EventJsonThroughput() {}

  public static void main(String[] args) throws IOException {
    Struct.Builder builder = Struct.newBuilder();
    JsonFormat.parser().merge(TYPICAL_EVENT, builder);
    Struct event = builder.build();
    System.out.println("event size: " + EventJson.toJson(event).length + " bytes");
    ToIntFunction<Struct> eventJson = e -> EventJson.toJson(e).length;
    JsonFormat.Printer printer = JsonFormat.printer().omittingInsignificantWhitespace();
    ToIntFunction<Struct> javaJsonFormat =
        e -> {
          try {
            return printer.print(e).getBytes(StandardCharsets.UTF_8).length;
          } catch (IOException ex) {
            throw new UncheckedIOException(ex);
          }
        };
    run("EventJson (warm-up)", eventJson, event, 3_000);
    for (int round = 0; round < 3; round++) {
      run("EventJson", eventJson, event, 3_000);
    }
    run("JsonFormat (warm-up)", javaJsonFormat, event, 3_000);
    run("JsonFormat, for comparison", javaJsonFormat, event, 3_000);
  }

  private static void run(String name, ToIntFunction<Struct> convert, Struct event, long millis) {
    long sink = 0;
    long count = 0;
    long start = System.nanoTime();
    long end = start + millis * 1_000_000;
    long now;
    do {
      for (int i = 0; i < 1_000; i++) {
        sink += convert.applyAsInt(event);
      }
      count += 1_000;
      now = System.nanoTime();
    } while (now < end);
    double seconds = (now - start) / 1e9;
    System.out.printf(
        "%-28s %,10.0f events/s (%,.1f MB/s) [%d]%n",
        name, count / seconds, sink / seconds / 1e6, sink % 7);
  }
}
