package eventhandler.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the TOML configuration file the way the Go plugin's resolver does: a key is named like the
 * flag ({@code window-size}); {@code fluentd-*} flags live under {@code [forward.fluentd]}; and any
 * dash of a flag may instead be a table or a dotted key ({@code teleport-addr} as {@code [teleport]
 * addr}, {@code teleport-refresh-enabled} as {@code [teleport] refresh.enabled}). Values may be
 * strings, integers, booleans or, for lists, arrays.
 */
final class TomlSettingsFile {
  private static final String FORWARD_PREFIX = "forward-";
  private static final String FLUENTD_PREFIX = "fluentd-";

  /** What the file sets, what it has that is ignored, and what is wrong in it. */
  record Contents(Map<Setting, RawValue> values, List<String> warnings, List<Problem> problems) {
    Contents {
      values = Map.copyOf(values);
      warnings = List.copyOf(warnings);
      problems = List.copyOf(problems);
    }
  }

  private TomlSettingsFile() {}

  /**
   * Reads and maps {@code file}. A file that cannot be read or parsed gives one problem on the
   * {@code config} setting, attributed to {@code configSource}.
   */
  static Contents load(Path file, Source configSource) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return failure(configSource, "configuration file " + file + " does not exist");
    } catch (AccessDeniedException e) {
      return failure(
          configSource, "configuration file " + file + " is not readable (check its permissions)");
    } catch (CharacterCodingException e) {
      return failure(configSource, "configuration file " + file + " is not UTF-8 text");
    } catch (IOException e) {
      return failure(
          configSource, "cannot read configuration file " + file + ": " + e.getMessage());
    }
    return parse(file, text, configSource);
  }

  /** Maps TOML {@code text}; {@code file} names the file in sources and messages. */
  static Contents parse(Path file, String text, Source configSource) {
    JsonNode root;
    try {
      root = new TomlMapper().readTree(text);
    } catch (JacksonException e) {
      return failure(
          configSource,
          "configuration file "
              + file
              + " is not valid TOML: "
              + e.getOriginalMessage()
              + location(e));
    }
    Map<Setting, RawValue> values = new EnumMap<>(Setting.class);
    List<String> warnings = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    List<Map.Entry<List<String>, JsonNode>> leaves = new ArrayList<>();
    collectLeaves(root, new ArrayList<>(), leaves);
    for (Map.Entry<List<String>, JsonNode> leaf : leaves) {
      List<String> path = leaf.getKey();
      String key = String.join(".", path);
      Source source = new Source.TomlKey(file, key);
      Optional<Setting> setting = settingFor(path);
      if (setting.isEmpty()) {
        warnings.add(
            "unknown key \""
                + key
                + "\" in "
                + file
                + " is ignored; did you mean \""
                + closestKey(path)
                + "\"?");
        continue;
      }
      Setting s = setting.get();
      RawValue earlier = values.get(s);
      if (earlier != null) {
        problems.add(
            new Problem(
                s,
                source,
                "also set by key "
                    + ((Source.TomlKey) earlier.source()).key()
                    + " in the same file; keep only one of them"));
        continue;
      }
      textOf(leaf.getValue(), s)
          .ifPresentOrElse(
              t -> values.put(s, new RawValue(t, source)),
              () ->
                  problems.add(
                      new Problem(
                          s,
                          source,
                          s.type() == ValueType.LIST
                              ? "expected a string or an array of strings"
                              : "expected a single value, not an array or table")));
    }
    return new Contents(values, warnings, problems);
  }

  /** The setting a key path names, if any. */
  static Optional<Setting> settingFor(List<String> path) {
    return flagNameOf(path).flatMap(Setting::byFlagName).filter(s -> s.tomlKey().isPresent());
  }

  /**
   * The flag a key path stands for: the path joined with dashes, where {@code forward.fluentd.x}
   * stands for {@code fluentd-x}, and a bare {@code fluentd-x} is not a key of the file.
   */
  private static Optional<String> flagNameOf(List<String> path) {
    String joined = String.join("-", path);
    if (joined.startsWith(FORWARD_PREFIX + FLUENTD_PREFIX)) {
      return Optional.of(joined.substring(FORWARD_PREFIX.length()));
    }
    if (joined.startsWith(FLUENTD_PREFIX)) {
      return Optional.empty();
    }
    return Optional.of(joined);
  }

  /** The canonical key of the setting nearest to an unknown key path. */
  private static String closestKey(List<String> path) {
    String dotted = String.join(".", path);
    String dashed = String.join("-", path);
    Setting best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (Setting s : Setting.values()) {
      if (s.tomlKey().isEmpty()) {
        continue;
      }
      int d =
          Math.min(
              ClosestName.distance(dotted, s.tomlKey().get()),
              Math.min(
                  ClosestName.distance(dashed, s.flagName()),
                  ClosestName.distance(dashed, FORWARD_PREFIX + s.flagName())));
      if (d < bestDistance) {
        best = s;
        bestDistance = d;
      }
    }
    return best.tomlKey().orElseThrow();
  }

  private static void collectLeaves(
      JsonNode node, List<String> path, List<Map.Entry<List<String>, JsonNode>> leaves) {
    if (!node.isObject()) {
      leaves.add(Map.entry(List.copyOf(path), node));
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      path.add(field.getKey());
      collectLeaves(field.getValue(), path, leaves);
      path.remove(path.size() - 1);
    }
  }

  /** The text of a value, or empty when its shape does not fit the setting. */
  private static Optional<String> textOf(JsonNode node, Setting setting) {
    if (node.isArray()) {
      if (setting.type() != ValueType.LIST) {
        return Optional.empty();
      }
      List<String> items = new ArrayList<>();
      for (JsonNode item : node) {
        if (item.isContainerNode()) {
          return Optional.empty();
        }
        items.add(item.asText());
      }
      return Optional.of(String.join(",", items));
    }
    if (node.isContainerNode()) {
      return Optional.empty();
    }
    // Strings, integers, booleans and TOML datetimes all read as their text.
    return Optional.of(node.asText());
  }

  private static String location(JacksonException e) {
    return e.getLocation() == null
        ? ""
        : " (line "
            + e.getLocation().getLineNr()
            + ", column "
            + e.getLocation().getColumnNr()
            + ")";
  }

  private static Contents failure(Source configSource, String message) {
    return new Contents(
        Map.of(), List.of(), List.of(new Problem(Setting.CONFIG, configSource, message)));
  }
}
