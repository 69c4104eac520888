package eventhandler.configure;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills {@code {{name}}} placeholders in a template from {@code eventhandler/configure/}. Values
 * are inserted as given: callers quote them for the target syntax (see {@link Quoting}). A
 * placeholder without a value, or a value without a placeholder, is a programming error.
 */
final class TemplateRenderer {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([A-Za-z][A-Za-z0-9]*)}}");

  private TemplateRenderer() {}

  static String render(String templateName, Map<String, String> values) {
    String template = load(templateName);
    Set<String> used = new HashSet<>();
    Matcher matcher = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String name = matcher.group(1);
      String value = values.get(name);
      if (value == null) {
        throw new IllegalStateException(templateName + ": no value for {{" + name + "}}");
      }
      used.add(name);
      matcher.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(out);
    if (!used.containsAll(values.keySet())) {
      Set<String> unused = new HashSet<>(values.keySet());
      unused.removeAll(used);
      throw new IllegalStateException(templateName + ": unused values " + unused);
    }
    return out.toString();
  }

  private static String load(String templateName) {
    String resource = "/eventhandler/configure/" + templateName;
    try (InputStream in = TemplateRenderer.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing template " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
