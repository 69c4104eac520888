package eventhandler.configure;

import java.io.InputStream;
import java.util.Optional;

/** What {@code configure} needs from the process's standard input and controlling terminal. */
public interface Terminal {
  /**
   * Whether standard input is a terminal (a character device, as the Go plugin checks). When it is
   * not, the server key passphrase is read from it.
   */
  boolean stdinIsTerminal();

  /** Standard input. */
  InputStream stdin();

  /** Whether a user can be asked a question: both input and output are a terminal. */
  boolean interactive();

  /**
   * Asks a question on the interactive terminal and returns the answer line; empty when the input
   * ended. Only called when {@link #interactive()}.
   */
  Optional<String> ask(String question);
}
