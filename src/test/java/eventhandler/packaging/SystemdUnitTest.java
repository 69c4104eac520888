package eventhandler.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The systemd unit runs the guide's command line, restarts, reloads, and is locked down. */
class SystemdUnitTest {
  /** The guide's ExecStart, with the `=true` spelling (the `--flag true` typo was a known bug). */
  private static final String GUIDE_EXEC_START =
      "/usr/local/bin/teleport-event-handler start --config=/etc/teleport-event-handler.toml"
          + " --teleport-refresh-enabled=true";

  private static Map<String, List<String>> unit;

  @BeforeAll
  static void parse() {
    unit = parseUnit(ProjectFiles.read("deploy/systemd/teleport-event-handler.service"));
  }

  @Test
  void runsTheGuidesCommandAndReloadsWithSighup() {
    assertThat(unit.get("Unit.After")).contains("network.target");
    assertThat(unit.get("Service.ExecStart")).containsExactly(GUIDE_EXEC_START);
    assertThat(unit.get("Service.ExecReload")).containsExactly("/bin/kill -HUP $MAINPID");
    assertThat(unit.get("Service.Restart")).containsExactly("always");
    assertThat(unit.get("Service.Type")).containsExactly("simple");
    assertThat(unit.get("Install.WantedBy")).containsExactly("multi-user.target");
  }

  @Test
  void runsAsItsOwnUserAndCanWriteOnlyItsStateDirectory() {
    assertThat(unit.get("Service.User")).containsExactly("teleport-event-handler");
    assertThat(unit.get("Service.StateDirectory")).containsExactly("teleport-event-handler");
    assertThat(unit.get("Service.ReadWritePaths"))
        .containsExactly("/var/lib/teleport-event-handler");
    assertThat(unit.get("Service.WorkingDirectory"))
        .containsExactly("/var/lib/teleport-event-handler");
    assertThat(unit.get("Service.UMask")).containsExactly("0077");
    assertThat(unit.get("Service.ProtectSystem")).containsExactly("strict");
  }

  @Test
  void isHardened() {
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("NoNewPrivileges", "yes");
    expected.put("CapabilityBoundingSet", "");
    expected.put("AmbientCapabilities", "");
    expected.put("ProtectHome", "yes");
    expected.put("PrivateTmp", "yes");
    expected.put("PrivateDevices", "yes");
    expected.put("ProtectKernelTunables", "yes");
    expected.put("ProtectKernelModules", "yes");
    expected.put("ProtectControlGroups", "yes");
    expected.put("RestrictAddressFamilies", "AF_INET AF_INET6 AF_UNIX");
    expected.put("RestrictNamespaces", "yes");
    expected.put("RestrictSUIDSGID", "yes");
    expected.put("LockPersonality", "yes");
    expected.put("SystemCallArchitectures", "native");
    expected.forEach(
        (key, value) -> assertThat(unit.get("Service." + key)).as(key).containsExactly(value));
    assertThat(unit.get("Service.SystemCallFilter")).contains("@system-service");
    // The JVM's JIT compiler needs writable and executable memory.
    assertThat(unit).doesNotContainKey("Service.MemoryDenyWriteExecute");
    // Only meaningful for Type=forking; the program writes no PID file.
    assertThat(unit).doesNotContainKey("Service.PIDFile");
  }

  /** "Section.Key" to its values in order; comments and blank lines are skipped. */
  private static Map<String, List<String>> parseUnit(String text) {
    Map<String, List<String>> entries = new LinkedHashMap<>();
    String section = "";
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        section = line.substring(1, line.length() - 1);
        continue;
      }
      int equals = line.indexOf('=');
      assertThat(equals).as("a key=value line: %s", line).isPositive();
      entries
          .computeIfAbsent(section + "." + line.substring(0, equals), k -> new ArrayList<>())
          .add(line.substring(equals + 1));
    }
    return entries;
  }
}
