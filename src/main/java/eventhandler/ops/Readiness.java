package eventhandler.ops;

import java.util.List;

/** Whether the exporter is doing its job now, and if not, why (one line per problem). */
public record Readiness(boolean ready, List<String> problems) {
  public static Readiness ok() {
    return new Readiness(true, List.of());
  }

  public static Readiness notReady(List<String> problems) {
    return new Readiness(false, List.copyOf(problems));
  }
}
