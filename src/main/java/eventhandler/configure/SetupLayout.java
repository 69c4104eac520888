package eventhandler.configure;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * Where {@code configure} writes each file: {@code <ca>.crt/.key}, {@code <server>.crt/.key},
 * {@code <client>.crt/.key} and the four fixed-name configuration files, all in one directory.
 */
public record SetupLayout(Path dir, String caName, String serverName, String clientName) {
  public static final String ROLE_FILE = "teleport-event-handler-role.yaml";
  public static final String FLUENTD_CONFIG = "fluent.conf";
  public static final String PLUGIN_CONFIG = "teleport-event-handler.toml";
  public static final String HELM_VALUES = "teleport-plugin-event-handler-values.yaml";

  /** A certificate file and its key file: {@code <name>.crt} and {@code <name>.key}. */
  public record CertAndKey(Path cert, Path key) {}

  public CertAndKey ca() {
    return certAndKey(caName);
  }

  public CertAndKey server() {
    return certAndKey(serverName);
  }

  public CertAndKey client() {
    return certAndKey(clientName);
  }

  private CertAndKey certAndKey(String name) {
    return new CertAndKey(dir.resolve(name + ".crt"), dir.resolve(name + ".key"));
  }

  public Path roleFile() {
    return dir.resolve(ROLE_FILE);
  }

  public Path fluentdConfig() {
    return dir.resolve(FLUENTD_CONFIG);
  }

  public Path pluginConfig() {
    return dir.resolve(PLUGIN_CONFIG);
  }

  public Path helmValues() {
    return dir.resolve(HELM_VALUES);
  }

  /** The six certificate and key files, in the order the guide lists them. */
  public List<Path> certificateFiles() {
    return List.of(
        ca().cert(), ca().key(), server().cert(), server().key(), client().cert(), client().key());
  }

  /** Every file {@code configure} writes. */
  public List<Path> allFiles() {
    return List.of(
        ca().cert(),
        ca().key(),
        server().cert(),
        server().key(),
        client().cert(),
        client().key(),
        roleFile(),
        fluentdConfig(),
        pluginConfig(),
        helmValues());
  }

  /** The files that already exist (anything at the path, including a directory or a link). */
  public List<Path> existingFiles() {
    return allFiles().stream()
        .filter(path -> Files.exists(path, LinkOption.NOFOLLOW_LINKS))
        .toList();
  }
}
