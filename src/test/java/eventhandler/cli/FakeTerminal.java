package eventhandler.cli;

import eventhandler.configure.Terminal;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A scripted terminal: what standard input holds, and the answer to any question. */
final class FakeTerminal implements Terminal {
  private final boolean stdinIsTerminal;
  private final InputStream stdin;
  private final boolean interactive;
  private final String answer;
  final List<String> questions = new ArrayList<>();

  private FakeTerminal(boolean stdinIsTerminal, String stdin, boolean interactive, String answer) {
    this.stdinIsTerminal = stdinIsTerminal;
    this.stdin = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
    this.interactive = interactive;
    this.answer = answer;
  }

  /** Standard input is a terminal but nobody answers (like stdout redirected). */
  static FakeTerminal stdinTerminal() {
    return new FakeTerminal(true, "", false, null);
  }

  /** Standard input is a pipe holding {@code text}; no interactive terminal. */
  static FakeTerminal piped(String text) {
    return new FakeTerminal(false, text, false, null);
  }

  /** A user at an interactive terminal who answers {@code answer} (null: end of input). */
  static FakeTerminal interactive(String answer) {
    return new FakeTerminal(true, "", true, answer);
  }

  @Override
  public boolean stdinIsTerminal() {
    return stdinIsTerminal;
  }

  @Override
  public InputStream stdin() {
    return stdin;
  }

  @Override
  public boolean interactive() {
    return interactive;
  }

  @Override
  public Optional<String> ask(String question) {
    questions.add(question);
    return Optional.ofNullable(answer);
  }
}
