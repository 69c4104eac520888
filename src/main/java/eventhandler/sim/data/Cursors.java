package eventhandler.sim.data;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.OptionalLong;

/**
 * Opaque cursors: base64url of {@code <kind>:<event index>}. Clients must treat them as opaque
 * strings, as they would Teleport's.
 */
final class Cursors {
  static final String SEARCH = "search";
  static final String EXPORT = "export";

  private Cursors() {}

  static String encode(String kind, long index) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((kind + ":" + index).getBytes(StandardCharsets.US_ASCII));
  }

  /** The index in {@code cursor}, or empty when it is not a cursor of this kind. */
  static OptionalLong decode(String kind, String cursor) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
      if (!text.startsWith(kind + ":")) {
        return OptionalLong.empty();
      }
      long index = Long.parseLong(text.substring(kind.length() + 1));
      return index < 0 ? OptionalLong.empty() : OptionalLong.of(index);
    } catch (IllegalArgumentException e) {
      return OptionalLong.empty();
    }
  }
}
