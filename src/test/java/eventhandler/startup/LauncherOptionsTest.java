package eventhandler.startup;

import static org.assertj.core.api.Assertions.assertThat;

import eventhandler.ops.ExportReadiness;
import eventhandler.pipeline.ExportTimings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LauncherOptionsTest {
  private static final Duration POLL = Duration.ofSeconds(5);

  @Test
  void defaultsAreThoseOfARealStartWithAFreshRegistryPerRun() {
    Launcher.Options options = Launcher.Options.defaults();

    assertThat(options.timings()).isEqualTo(ExportTimings.DEFAULT);
    assertThat(options.readinessThresholds().apply(POLL))
        .isEqualTo(ExportReadiness.Thresholds.defaults(POLL));
    assertThat(options.registries().get()).isNotSameAs(options.registries().get());
  }

  @Test
  void eachWithChangesOnlyItsOwnPart() {
    ExportTimings fast =
        new ExportTimings(
            Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(3), Duration.ofMillis(4));
    ExportReadiness.Thresholds strict =
        new ExportReadiness.Thresholds(Duration.ofSeconds(1), Duration.ofSeconds(2), POLL);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    Launcher.Options options =
        Launcher.Options.defaults()
            .withTimings(fast)
            .withReadinessThresholds(poll -> strict)
            .withRegistry(registry);

    assertThat(options.timings()).isEqualTo(fast);
    assertThat(options.readinessThresholds().apply(POLL)).isEqualTo(strict);
    assertThat(options.registries().get()).isSameAs(registry);
    assertThat(Launcher.Options.defaults().withRegistry(registry).timings())
        .isEqualTo(ExportTimings.DEFAULT);
  }
}
