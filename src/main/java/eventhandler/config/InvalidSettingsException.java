package eventhandler.config;

import java.util.List;

/** The configuration has problems; all of them are listed, not only the first. */
public final class InvalidSettingsException extends Exception {
  private final transient List<Problem> problems;

  public InvalidSettingsException(List<Problem> problems) {
    super(summary(problems));
    this.problems = List.copyOf(problems);
  }

  public List<Problem> problems() {
    return problems;
  }

  private static String summary(List<Problem> problems) {
    StringBuilder text = new StringBuilder("invalid configuration:");
    for (Problem p : problems) {
      text.append('\n').append("  - ").append(p.describe());
    }
    return text.toString();
  }
}
