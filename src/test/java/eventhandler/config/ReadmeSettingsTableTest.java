package eventhandler.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** README.md's settings table is generated from the setting table and must match it. */
class ReadmeSettingsTableTest {
  @Test
  void readmeTableMatchesTheSettingTable() throws Exception {
    String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
    int begin = readme.indexOf(SettingsReferenceTable.BEGIN_MARKER);
    int end = readme.indexOf(SettingsReferenceTable.END_MARKER);
    String expected = SettingsReferenceTable.markdown();
    String hint =
        "README.md's settings table is out of date. Replace the lines between "
            + SettingsReferenceTable.BEGIN_MARKER
            + " and "
            + SettingsReferenceTable.END_MARKER
            + " with:\n"
            + expected;
    assertThat(begin).as(hint).isNotNegative();
    assertThat(end).as(hint).isGreaterThan(begin);
    String actual =
        readme.substring(begin + SettingsReferenceTable.BEGIN_MARKER.length(), end).strip() + "\n";
    assertThat(actual).as(hint).isEqualTo(expected);
  }

  @Test
  void tableHasARowPerSettingAndEscapesMarkdown() {
    String table = SettingsReferenceTable.markdown();
    assertThat(table.lines()).hasSize(2 + Setting.values().length);
    assertThat(table)
        .contains(
            "| `--fluentd-max-connections=<n>` | `FDFWD_MAX_CONNECTIONS`, `FDWRD_MAX_CONNECTIONS` |"
                + " `forward.fluentd.max-connections` | 2 x concurrency |")
        .contains("| `-c`, `--config=<path>` | `FDFWD_CONFIG` | - | none |")
        .contains("| `--window-size=<duration>` | `FDFWD_WINDOW_SIZE` | `window-size` | `24h` |")
        .contains("| `-d`, `--debug[=<bool>]` |")
        .contains("&lt;url&gt;.&lt;id&gt;.log");
  }
}
