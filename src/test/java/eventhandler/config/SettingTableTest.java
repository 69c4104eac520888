package eventhandler.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The setting table is the single source of truth; these checks keep it self-consistent. */
class SettingTableTest {
  @Test
  void everyTomlKeyMapsBackToItsSetting() {
    for (Setting s : Setting.values()) {
      s.tomlKey()
          .ifPresent(
              key ->
                  assertThat(TomlSettingsFile.settingFor(List.of(key.split("\\."))))
                      .as(key)
                      .contains(s));
    }
  }

  @Test
  void everyDefaultParses() {
    for (Setting s : Setting.values()) {
      String text = s.defaultValue().value();
      if (text != null) {
        assertThatCode(() -> s.type().parse(text)).as(s.flagName()).doesNotThrowAnyException();
      }
    }
  }

  @Test
  void requiredSettingsHaveNoDefault() {
    assertThat(Arrays.stream(Setting.values()).filter(s -> s.defaultValue().required()))
        .containsExactly(Setting.FLUENTD_URL, Setting.FLUENTD_SESSION_URL, Setting.STORAGE);
    assertThat(Setting.STORAGE.defaultValue().value()).isNull();
  }

  @Test
  void namesAndVariablesAreUnique() {
    Set<String> flags = new HashSet<>();
    Set<String> variables = new HashSet<>();
    for (Setting s : Setting.values()) {
      assertThat(flags.add(s.flagName())).as(s.flagName()).isTrue();
      for (String v : s.environmentVariables()) {
        assertThat(variables.add(v)).as(v).isTrue();
        assertThat(v).matches("FD(FWD|WRD)_[A-Z_]+");
      }
      assertThat(s.environmentVariables().get(0)).startsWith("FDFWD_");
    }
  }

  @Test
  void globalSettingsHaveShortOptions() {
    assertThat(Setting.inScope(Setting.Scope.GLOBAL))
        .containsExactly(Setting.CONFIG, Setting.DEBUG);
    assertThat(Setting.CONFIG.shortOption()).contains("-c");
    assertThat(Setting.DEBUG.shortOption()).contains("-d");
    assertThat(Setting.CONFIG.tomlKey()).isEmpty();
  }
}
