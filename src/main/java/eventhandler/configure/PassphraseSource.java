package eventhandler.configure;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The passphrase that encrypts Fluentd's server key. As in the Go plugin it comes from standard
 * input when that is not a terminal ({@code echo "$PASS" | teleport-event-handler configure}), and
 * is otherwise 32 random bytes in hex. Only the first line of input is used; empty input also gets
 * a random passphrase. The passphrase is never printed or logged: it goes into fluent.conf only.
 */
public final class PassphraseSource {
  /** Random passphrase length in bytes (64 hex characters). */
  static final int RANDOM_BYTES = 32;

  /** OpenSSL's PEM password buffer holds 1024 bytes including the terminator. */
  static final int MAX_BYTES = 1023;

  /** OpenSSL refuses shorter passphrases when it encrypts keys itself; keep to its rule. */
  static final int MIN_BYTES = 4;

  private final SecureRandom random;

  public PassphraseSource(SecureRandom random) {
    this.random = random;
  }

  public String obtain(Terminal terminal) throws ConfigureException, IOException {
    if (!terminal.stdinIsTerminal()) {
      String line = firstLine(terminal);
      if (line != null && !line.isEmpty()) {
        return validated(line);
      }
    }
    byte[] bytes = new byte[RANDOM_BYTES];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static String firstLine(Terminal terminal) throws IOException {
    // Not closed: it wraps the process's standard input.
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(terminal.stdin(), StandardCharsets.UTF_8));
    return reader.readLine();
  }

  private static String validated(String passphrase) throws ConfigureException {
    int bytes = passphrase.getBytes(StandardCharsets.UTF_8).length;
    if (bytes < MIN_BYTES || bytes > MAX_BYTES) {
      throw ConfigureException.userError(
          "the server key passphrase read from standard input must be "
              + MIN_BYTES
              + " to "
              + MAX_BYTES
              + " bytes long (it was "
              + bytes
              + ")");
    }
    if (passphrase.chars().anyMatch(Character::isISOControl)) {
      throw ConfigureException.userError(
          "the server key passphrase read from standard input contains control characters");
    }
    return passphrase;
  }
}
