package eventhandler.configure;

import eventhandler.tls.Pem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The content of every file {@code configure} writes, in writing order. */
public final class SetupFiles {
  /** One file to write. */
  public record File(Path path, String content) {}

  private SetupFiles() {}

  public static List<File> render(
      ConfigureSettings settings, MtlsBundle bundle, String serverKeyPassphrase) {
    SetupLayout layout = settings.layout();
    List<File> files = new ArrayList<>();
    files.add(new File(layout.ca().cert(), Pem.encode(bundle.ca().certificate())));
    // CA and client keys unencrypted (PKCS#1 "RSA PRIVATE KEY", as the Go plugin writes them);
    // only the server key is encrypted, because Fluentd takes a passphrase and the handler not.
    files.add(new File(layout.ca().key(), Pem.encode(bundle.ca().keyPair().getPrivate())));
    files.add(new File(layout.server().cert(), Pem.encode(bundle.server().certificate())));
    files.add(
        new File(
            layout.server().key(),
            Pem.encodeEncrypted(
                bundle.server().keyPair().getPrivate(), serverKeyPassphrase.toCharArray())));
    files.add(new File(layout.client().cert(), Pem.encode(bundle.client().certificate())));
    files.add(new File(layout.client().key(), Pem.encode(bundle.client().keyPair().getPrivate())));
    files.add(
        new File(
            layout.roleFile(),
            TemplateRenderer.render("teleport-event-handler-role.yaml.tpl", Map.of())));
    files.add(new File(layout.fluentdConfig(), fluentdConfig(layout, serverKeyPassphrase)));
    files.add(new File(layout.pluginConfig(), pluginConfig(settings)));
    files.add(
        new File(
            layout.helmValues(),
            TemplateRenderer.render(
                "teleport-plugin-event-handler-values.yaml.tpl",
                Map.of("address", Quoting.doubleQuoted(settings.teleportAddress())))));
    return files;
  }

  private static String fluentdConfig(SetupLayout layout, String passphrase) {
    return TemplateRenderer.render(
        "fluent.conf.tpl",
        Map.of(
            "caCert", Quoting.fluentdSingleQuoted(fileName(layout.ca().cert())),
            "serverCert", Quoting.fluentdSingleQuoted(fileName(layout.server().cert())),
            "serverKey", Quoting.fluentdSingleQuoted(fileName(layout.server().key())),
            "passphrase", Quoting.fluentdSingleQuoted(passphrase)));
  }

  private static String pluginConfig(ConfigureSettings settings) {
    SetupLayout layout = settings.layout();
    return TemplateRenderer.render(
        "teleport-event-handler.toml.tpl",
        Map.of(
            "caCert", Quoting.doubleQuoted(absolute(layout.ca().cert())),
            "clientCert", Quoting.doubleQuoted(absolute(layout.client().cert())),
            "clientKey", Quoting.doubleQuoted(absolute(layout.client().key())),
            "address", Quoting.doubleQuoted(settings.teleportAddress())));
  }

  private static String fileName(Path path) {
    return path.getFileName().toString();
  }

  private static String absolute(Path path) {
    return path.toAbsolutePath().normalize().toString();
  }
}
