package eventhandler.config;

import java.nio.file.Path;

/** Where the value of a setting came from; shown in {@code --check} output and in errors. */
public sealed interface Source {
  /** Human-readable origin: {@code flag --x}, {@code env FDFWD_X}, {@code toml f key k}. */
  String describe();

  /** Given on the command line as {@code option}. */
  record Flag(String option) implements Source {
    @Override
    public String describe() {
      return "flag " + option;
    }
  }

  /** Taken from the environment variable {@code variable}. */
  record Environment(String variable) implements Source {
    @Override
    public String describe() {
      return "env " + variable;
    }
  }

  /** Read from {@code file} under the dotted {@code key} as written there. */
  record TomlKey(Path file, String key) implements Source {
    @Override
    public String describe() {
      return "toml " + file + " key " + key;
    }
  }

  /** Nothing set the setting; its default applies. */
  record Default() implements Source {
    @Override
    public String describe() {
      return "default";
    }
  }

  /** The shared {@link Default} instance. */
  Source DEFAULT = new Default();
}
