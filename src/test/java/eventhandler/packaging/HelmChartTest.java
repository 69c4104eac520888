package eventhandler.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Helm chart: its templates read only values that {@code values.yaml} declares, and the values
 * file of Teleport's guide (kept verbatim as a test resource) fits it unchanged.
 */
class HelmChartTest {
  private static final String CHART = "deploy/helm/teleport-plugin-event-handler";
  private static final String GUIDE_VALUES =
      "src/test/resources/eventhandler/packaging/guide-values.yaml";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void everyValueTheTemplatesReadIsDeclaredInValuesYaml() {
    JsonNode values = yaml(CHART + "/values.yaml");
    Map<String, Set<String>> references = referencesByFile();
    assertThat(references).containsKeys("deployment.yaml", "configmap.yaml", "_helpers.tpl");

    List<String> undeclared = new ArrayList<>();
    references.forEach(
        (file, paths) ->
            paths.stream()
                .filter(path -> !declared(values, List.of(path.split("\\."))))
                .forEach(path -> undeclared.add(file + ": .Values." + path)));
    assertThat(undeclared).isEmpty();
  }

  @Test
  void guideValuesFileSetsOnlyDeclaredValuesOfTheSameType() {
    JsonNode defaults = yaml(CHART + "/values.yaml");
    List<String> problems = new ArrayList<>();
    Map<String, JsonNode> leaves = leaves(yaml(GUIDE_VALUES));
    assertThat(leaves).containsKeys("eventHandler.storagePath", "persistentVolumeClaim.enabled");

    leaves.forEach(
        (path, value) -> {
          JsonNode declared = at(defaults, List.of(path.split("\\.")));
          if (declared == null) {
            problems.add(path + " is not in values.yaml");
          } else if (!sameType(declared, value)) {
            problems.add(path + " is " + value.getNodeType() + " but values.yaml has " + declared);
          }
        });
    assertThat(problems).isEmpty();
  }

  @Test
  void everyValueTheGuideSetsIsUsedByATemplate() {
    Set<String> used = new TreeSet<>();
    referencesByFile().values().forEach(used::addAll);

    assertThat(used).containsAll(leaves(yaml(GUIDE_VALUES)).keySet());
  }

  @Test
  void stateIsOnAPersistentVolumeAndMetricsAreOnByDefault() {
    JsonNode values = yaml(CHART + "/values.yaml");

    assertThat(values.at("/persistentVolumeClaim/enabled").asBoolean()).isTrue();
    assertThat(values.at("/persistentVolumeClaim/size").asText()).isEqualTo("1Gi");
    assertThat(values.at("/metrics/enabled").asBoolean()).isTrue();
    assertThat(values.at("/metrics/serviceMonitor/enabled").asBoolean()).isFalse();
    assertThat(values.at("/teleport/refreshEnabled").asBoolean()).isTrue();
    assertThat(values.at("/podSecurityContext/runAsNonRoot").asBoolean()).isTrue();
    assertThat(values.at("/podSecurityContext/fsGroup").asInt()).isEqualTo(65532);
    assertThat(values.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(values.at("/securityContext/capabilities/drop/0").asText()).isEqualTo("ALL");
  }

  @Test
  void deploymentRunsOneExporterWithProbesAndMountsSecretsReadOnly() {
    String deployment = ProjectFiles.read(CHART + "/templates/deployment.yaml");

    assertThat(deployment)
        .contains("replicas: 1\n")
        .contains("type: Recreate")
        .contains(
            "--teleport-refresh-enabled={{ or .Values.teleport.refreshEnabled .Values.tbot.enabled"
                + " }}")
        .contains("path: /healthz")
        .contains("path: /readyz")
        .contains("mountPath: {{ include \"teleport-plugin-event-handler.storageDir\" . }}");
    assertThat(deployment).doesNotContain(".Values.replicas");
    // subPath mounts never see an updated secret, so a rotated identity would not be picked up.
    assertThat(deployment).doesNotContainPattern("subPath\\s*:");
    for (String volume : List.of("config", "teleport-identity", "fluentd-tls")) {
      assertThat(deployment)
          .containsPattern("- name: " + volume + "\\n\\s+mountPath: [^\\n]+\\n\\s+readOnly: true");
    }
    assertThat(ProjectFiles.read(CHART + "/templates/configmap.yaml"))
        .contains("storage = {{ include \"teleport-plugin-event-handler.storageDir\" . | toJson }}")
        .contains("[forward.fluentd]")
        .contains("metrics-addr = ");
  }

  @Test
  void chartVersionIsTheProjectVersion() {
    Matcher pom =
        Pattern.compile("<artifactId>teleport-event-handler</artifactId>\\s*<version>([^<]+)<")
            .matcher(ProjectFiles.read("pom.xml"));
    assertThat(pom.find()).isTrue();
    JsonNode chart = yaml(CHART + "/Chart.yaml");

    assertThat(chart.get("version").asText()).isEqualTo(pom.group(1));
    assertThat(chart.get("appVersion").asText()).isEqualTo(pom.group(1));
    assertThat(chart.get("name").asText()).isEqualTo("teleport-plugin-event-handler");
  }

  /** Values paths (a.b.c) read by each template file. */
  private static Map<String, Set<String>> referencesByFile() {
    Map<String, Set<String>> byFile = new TreeMap<>();
    try (Stream<Path> files = Files.list(ProjectFiles.path(CHART + "/templates"))) {
      for (Path file : files.sorted().toList()) {
        Set<String> paths = new TreeSet<>();
        TemplateValueReferences.find(Files.readString(file))
            .forEach(path -> paths.add(String.join(".", path)));
        byFile.put(file.getFileName().toString(), paths);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return byFile;
  }

  private static JsonNode yaml(String relative) {
    try {
      return YAML.readTree(ProjectFiles.path(relative).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean declared(JsonNode values, List<String> path) {
    return at(values, path) != null;
  }

  /** The node at {@code path} (present even if null-valued), or null when a key is missing. */
  private static JsonNode at(JsonNode node, List<String> path) {
    JsonNode current = node;
    for (String key : path) {
      if (current == null || !current.isObject() || !current.has(key)) {
        return null;
      }
      current = current.get(key);
    }
    return current;
  }

  /** Scalar and list values by dotted path; maps are walked into. */
  private static Map<String, JsonNode> leaves(JsonNode root) {
    Map<String, JsonNode> leaves = new TreeMap<>();
    collectLeaves("", root, leaves);
    return leaves;
  }

  private static void collectLeaves(String prefix, JsonNode node, Map<String, JsonNode> leaves) {
    if (node.isObject() && !node.isEmpty()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        collectLeaves(
            prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(),
            field.getValue(),
            leaves);
      }
    } else {
      leaves.put(prefix, node);
    }
  }

  private static boolean sameType(JsonNode declared, JsonNode value) {
    if (declared.isNull() || value.isNull()) {
      return true;
    }
    return declared.getNodeType() == value.getNodeType();
  }
}
