package eventhandler.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsReportTest {
  @TempDir Path dir;

  @Test
  void oneLinePerSettingWithNormalisedValueAndSource() throws Exception {
    Path toml =
        Files.writeString(
            dir.resolve("h.toml"),
            "[forward.fluentd]\nurl = \"https://bob:hunter2@fluentd:8888/a\"\n"
                + "[teleport]\nrefresh.interval = \"90s\"\n");
    Map<Setting, String> flags = new EnumMap<>(Setting.class);
    flags.put(Setting.CONFIG, toml.toString());
    flags.put(Setting.START_TIME, "2021-05-05T02:00:00.5+02:00");
    flags.put(Setting.CONCURRENCY, "4");
    flags.put(Setting.BATCH, "x");
    RawSettings raw =
        new SettingsResolver(Map.of("FDFWD_TYPES", "a, b", "FDWRD_FLUENTD_CA", "/ca.pem"))
            .resolve(flags);
    List<String> lines = SettingsReport.lines(raw);
    assertThat(lines).hasSize(Setting.values().length);
    assertThat(String.join("\n", lines)).doesNotContain("hunter2");
    assertThat(lines)
        .contains(
            line(
                "fluentd-url",
                "https://bob:***@fluentd:8888/a",
                "toml " + toml + " key forward.fluentd.url"),
            line(
                "teleport-refresh-interval",
                "1m30s",
                "toml " + toml + " key teleport.refresh.interval"),
            line("start-time", "2021-05-05T00:00:00Z", "flag --start-time"),
            line("types", "a,b", "env FDFWD_TYPES"),
            line("fluentd-ca", "/ca.pem", "env FDWRD_FLUENTD_CA"),
            line("fluentd-max-connections", "8 (2 x concurrency)", "default"),
            line("batch", "x (invalid)", "flag --batch"),
            line("window-size", "24h0m0s", "default"),
            line("skip-session-types", "print,desktop.recording", "default"),
            line("skip-event-types", "<none>", "default"),
            line("storage", "<unset>", "default"),
            line("config", toml.toString(), "flag --config"));
  }

  private static String line(String name, String value, String source) {
    return String.format("%-26s = %s  [%s]", name, value, source);
  }
}
