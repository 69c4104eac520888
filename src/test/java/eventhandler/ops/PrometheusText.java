package eventhandler.ops;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A parsed Prometheus text exposition: samples by {@code name{labels}}, and metric families. */
record PrometheusText(Map<String, Double> samples, Set<String> families) {
  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{.*})? (\\S+)$");
  private static final Pattern TYPE = Pattern.compile("^# TYPE (\\S+) \\S+$");

  static PrometheusText parse(String text) {
    Map<String, Double> samples = new LinkedHashMap<>();
    Set<String> families = new TreeSet<>();
    for (String line : text.split("\n")) {
      Matcher type = TYPE.matcher(line);
      if (type.matches()) {
        families.add(type.group(1));
        continue;
      }
      Matcher sample = SAMPLE.matcher(line);
      if (sample.matches()) {
        String labels = sample.group(2) == null ? "" : sample.group(2);
        samples.put(sample.group(1) + labels, Double.parseDouble(sample.group(3)));
      }
    }
    return new PrometheusText(samples, families);
  }

  /**
   * The value of {@code name{labels}} (labels as written, e.g. {@code kind="audit",}); NaN if
   * absent.
   */
  double value(String nameAndLabels) {
    Double exact = samples.get(nameAndLabels);
    if (exact != null) {
      return exact;
    }
    // Micrometer writes a trailing comma after the last label: accept both spellings.
    if (nameAndLabels.endsWith("\"}")) {
      Double withComma = samples.get(nameAndLabels.substring(0, nameAndLabels.length() - 1) + ",}");
      if (withComma != null) {
        return withComma;
      }
    }
    return Double.NaN;
  }

  /** The sum of every sample of {@code name}, whatever its labels. */
  double sum(String name) {
    return samples.entrySet().stream()
        .filter(e -> e.getKey().equals(name) || e.getKey().startsWith(name + "{"))
        .mapToDouble(Map.Entry::getValue)
        .sum();
  }
}
