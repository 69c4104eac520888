package eventhandler.autolock;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** How the auto-lock's counters are registered: a name and a description, no tags. */
final class Counters {
  private Counters() {}

  static Counter register(MeterRegistry registry, String name, String description) {
    return Counter.builder(name).description(description).register(registry);
  }
}
