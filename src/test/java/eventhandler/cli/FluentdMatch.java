package eventhandler.cli;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How Fluentd routes a request of in_http: the tag is the URL path with {@code /} turned into
 * {@code .}, and a {@code <match>} pattern (space-separated alternatives) matches it by Fluentd's
 * rules: {@code *} is one tag part, {@code **} zero or more parts, {@code {a,b}} either one.
 */
final class FluentdMatch {
  private static final Pattern MATCH = Pattern.compile("(?m)^<match ([^>]+)>");
  private static final Pattern SOURCE_PORT =
      Pattern.compile("(?s)<source>.*?^\\s*port (\\d+)\\s*$", Pattern.MULTILINE);

  private FluentdMatch() {}

  /** The {@code <match>} patterns of a fluent.conf, in order. */
  static List<String> patterns(String fluentConf) {
    List<String> patterns = new ArrayList<>();
    Matcher matcher = MATCH.matcher(fluentConf);
    while (matcher.find()) {
      patterns.add(matcher.group(1).strip());
    }
    return patterns;
  }

  /** The port of the {@code <source>}. */
  static int port(String fluentConf) {
    Matcher matcher = SOURCE_PORT.matcher(fluentConf);
    if (!matcher.find()) {
      throw new AssertionError("no port in <source> of:\n" + fluentConf);
    }
    return Integer.parseInt(matcher.group(1));
  }

  /** in_http's tag for a request to {@code url}. */
  static String tagOf(URI url) {
    String path = url.getPath();
    return (path.startsWith("/") ? path.substring(1) : path).replace('/', '.');
  }

  /** The first pattern (in order, as Fluentd tries them) that matches {@code tag}, or null. */
  static String route(List<String> patterns, String tag) {
    for (String pattern : patterns) {
      for (String alternative : pattern.split("\\s+")) {
        if (Pattern.matches(regex(alternative), tag)) {
          return pattern;
        }
      }
    }
    return null;
  }

  private static String regex(String pattern) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '*' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
        // "a.**" also matches "a": the dot before ** is optional with it.
        if (regex.length() >= 2 && regex.substring(regex.length() - 2).equals("\\.")) {
          regex.setLength(regex.length() - 2);
          regex.append("(?:\\..*)?");
        } else {
          regex.append(".*");
        }
        i++;
      } else if (c == '*') {
        regex.append("[^.]*");
      } else if (c == '{') {
        int close = pattern.indexOf('}', i);
        List<String> choices = new ArrayList<>();
        for (String choice : pattern.substring(i + 1, close).split(",")) {
          choices.add(Pattern.quote(choice));
        }
        regex.append("(?:").append(String.join("|", choices)).append(')');
        i = close;
      } else if (c == '.') {
        regex.append("\\.");
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return regex.toString();
  }
}
