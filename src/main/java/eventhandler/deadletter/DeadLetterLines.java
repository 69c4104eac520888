package eventhandler.deadletter;

import eventhandler.files.PrivateFiles;
import eventhandler.sink.DeadLetterLock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads and replaces the dead-letter file, each under {@link DeadLetterLock}. */
final class DeadLetterLines {
  private DeadLetterLines() {}

  static List<Letter> read(Path file) throws IOException {
    return DeadLetterLock.around(file, () -> parse(readText(file)));
  }

  /**
   * Replaces the lines {@code before} (what was read) with {@code after}, keeping every line
   * appended since (a {@code start} running beside): atomically, so a crash leaves either file.
   * Returns the file's lines now.
   */
  static List<Letter> replace(Path file, List<Letter> before, List<Letter> after)
      throws IOException {
    return DeadLetterLock.around(
        file,
        () -> {
          List<Letter> now = parse(readText(file));
          List<Letter> result = new ArrayList<>(after);
          // Only start appends while a replay runs (it holds the replay lock): what follows the
          // lines read before is new.
          result.addAll(now.subList(Math.min(before.size(), now.size()), now.size()));
          StringBuilder text = new StringBuilder();
          for (Letter letter : result) {
            text.append(letter.line).append('\n');
          }
          PrivateFiles.writeAtomically(file, text.toString().getBytes(StandardCharsets.UTF_8));
          return result;
        });
  }

  private static String readText(Path file) throws IOException {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return "";
    }
  }

  private static List<Letter> parse(String text) {
    List<Letter> letters = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.isBlank()) {
        letters.add(Letter.parse(line));
      }
    }
    return letters;
  }
}
