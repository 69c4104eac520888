package eventhandler.packaging;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the values a Helm template reads, as key paths under {@code .Values}.
 *
 * <p>A deliberately small reader of template actions ({@code {{ ... }}}), not a Go template parser.
 * It understands:
 *
 * <ul>
 *   <li>{@code .Values.a.b} and {@code $.Values.a.b}: the path {@code a.b};
 *   <li>{@code with X}, X starting with a values path: up to its {@code else} or {@code end}, a
 *       field chain {@code .c} means X's path plus {@code c};
 *   <li>{@code range X}: inside it the dot is an element, whose fields are not followed;
 *   <li>{@code $v := X} (or {@code =}), X starting with a values path: later {@code $v.c} means X's
 *       path plus {@code c} (one variable scope per file);
 *   <li>{@code define}: the body is read with the root context, as the chart includes its helpers.
 * </ul>
 *
 * String literals and comments are skipped. Whatever it does not understand it ignores, so it may
 * miss a reference but never invents one.
 */
final class TemplateValueReferences {
  private static final Pattern ACTION = Pattern.compile("\\{\\{-?(.*?)-?}}", Pattern.DOTALL);
  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|`[^`]*`");
  private static final String CHAIN = "((?:\\.[A-Za-z_][A-Za-z0-9_]*)+)";
  private static final Pattern ROOT_VALUES = Pattern.compile("\\$\\.Values" + CHAIN);
  private static final Pattern DOT_VALUES =
      Pattern.compile("(?<![A-Za-z0-9_$)\\]])\\.Values" + CHAIN);
  private static final Pattern VARIABLE = Pattern.compile("\\$([A-Za-z_][A-Za-z0-9_]*)" + CHAIN);
  private static final Pattern FIELDS = Pattern.compile("(?<![A-Za-z0-9_$)\\]])" + CHAIN);
  private static final Pattern ASSIGNMENT =
      Pattern.compile("^\\$([A-Za-z_][A-Za-z0-9_]*)\\s*:?=\\s*(.*)$", Pattern.DOTALL);

  private TemplateValueReferences() {}

  /** Every values path read by {@code template}, in order of appearance (with repeats). */
  static List<List<String>> find(String template) {
    return new Reader().read(template);
  }

  /** What the dot means at a point of the template. */
  private record Context(Kind kind, List<String> path) {
    static final Context ROOT = new Context(Kind.ROOT, List.of());
    static final Context UNKNOWN = new Context(Kind.UNKNOWN, List.of());

    static Context values(List<String> path) {
      return new Context(Kind.VALUES, path);
    }
  }

  private enum Kind {
    ROOT,
    VALUES,
    UNKNOWN
  }

  /** A block opened by if/with/range/define: the context inside it and the one around it. */
  private record Frame(String keyword, Context inside, Context outside) {}

  private static final class Reader {
    private final Deque<Frame> frames = new ArrayDeque<>();
    private final Map<String, List<String>> variables = new HashMap<>();
    private final List<List<String>> found = new ArrayList<>();
    private Context context = Context.ROOT;

    List<List<String>> read(String template) {
      Matcher action = ACTION.matcher(template);
      while (action.find()) {
        String text = action.group(1).trim();
        if (!text.startsWith("/*")) {
          handle(text);
        }
      }
      return found;
    }

    private void handle(String text) {
      String code = STRING.matcher(text).replaceAll("\"\"");
      String keyword = code.split("\\s+", 2)[0];
      String rest = code.substring(keyword.length()).trim();
      switch (keyword) {
        case "end" -> {
          Frame frame = frames.pop();
          context = frame.outside();
        }
        case "else" -> {
          Frame frame = frames.peek();
          if (frame != null && frame.keyword().equals("with")) {
            context = frame.outside();
          }
          collect(rest);
        }
        case "if" -> {
          collect(rest);
          frames.push(new Frame(keyword, context, context));
        }
        case "with" -> {
          collect(rest);
          Context inside = firstOperand(rest).map(Context::values).orElse(Context.UNKNOWN);
          frames.push(new Frame(keyword, inside, context));
          context = inside;
        }
        case "range" -> {
          collect(rest);
          frames.push(new Frame(keyword, Context.UNKNOWN, context));
          context = Context.UNKNOWN;
        }
        case "define", "block" -> {
          frames.push(new Frame(keyword, Context.ROOT, context));
          context = Context.ROOT;
        }
        default -> {
          collect(code);
          Matcher assignment = ASSIGNMENT.matcher(code);
          if (assignment.matches()) {
            Optional<List<String>> path = firstOperand(assignment.group(2));
            if (path.isPresent()) {
              variables.put(assignment.group(1), path.get());
            } else {
              variables.remove(assignment.group(1));
            }
          }
        }
      }
    }

    /** The values path of an expression's first operand, if it is one. */
    private Optional<List<String>> firstOperand(String expression) {
      String first = expression.trim().split("[\\s|()]+", 2)[0];
      List<List<String>> paths = resolve(first);
      return paths.isEmpty() ? Optional.empty() : Optional.of(paths.get(0));
    }

    private void collect(String code) {
      found.addAll(resolve(code));
    }

    /** Values paths in a piece of template code, in order. */
    private List<List<String>> resolve(String code) {
      List<List<String>> paths = new ArrayList<>();
      StringBuilder remaining = new StringBuilder(code);
      for (Matcher m = ROOT_VALUES.matcher(remaining); m.find(); ) {
        paths.add(split(m.group(1)));
        blank(remaining, m);
      }
      if (context.kind() == Kind.ROOT) {
        for (Matcher m = DOT_VALUES.matcher(remaining); m.find(); ) {
          paths.add(split(m.group(1)));
          blank(remaining, m);
        }
      }
      for (Matcher m = VARIABLE.matcher(remaining); m.find(); ) {
        List<String> base = variables.get(m.group(1));
        if (base != null) {
          paths.add(concat(base, split(m.group(2))));
        }
        blank(remaining, m);
      }
      if (context.kind() == Kind.VALUES) {
        for (Matcher m = FIELDS.matcher(remaining); m.find(); ) {
          paths.add(concat(context.path(), split(m.group(1))));
        }
      }
      return paths;
    }

    private static void blank(StringBuilder text, Matcher match) {
      for (int i = match.start(); i < match.end(); i++) {
        text.setCharAt(i, ' ');
      }
    }

    private static List<String> split(String chain) {
      return Arrays.asList(chain.substring(1).split("\\."));
    }

    private static List<String> concat(List<String> a, List<String> b) {
      List<String> all = new ArrayList<>(a);
      all.addAll(b);
      return List.copyOf(all);
    }
  }
}
