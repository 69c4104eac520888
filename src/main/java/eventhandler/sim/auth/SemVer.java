package eventhandler.sim.auth;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A semantic version compared as Teleport's Auth compares client versions (coreos/go-semver):
 * {@code major.minor.patch}, an optional {@code -pre.release} that sorts before the release, and
 * build metadata that is ignored. No leading {@code v}.
 */
public record SemVer(long major, long minor, long patch, List<String> preRelease)
    implements Comparable<SemVer> {
  private static final String IDENTIFIERS = "[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*";
  private static final Pattern FORM =
      Pattern.compile(
          "(\\d+)\\.(\\d+)\\.(\\d+)(?:-(" + IDENTIFIERS + "))?(?:\\+" + IDENTIFIERS + ")?");

  public SemVer {
    preRelease = List.copyOf(preRelease);
  }

  public static Optional<SemVer> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    Matcher m = FORM.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new SemVer(
              Long.parseLong(m.group(1)),
              Long.parseLong(m.group(2)),
              Long.parseLong(m.group(3)),
              m.group(4) == null ? List.of() : List.of(m.group(4).split("\\."))));
    } catch (NumberFormatException e) {
      return Optional.empty(); // a number too large for a long
    }
  }

  /**
   * The oldest client a server of this version accepts: its major minus one, pre-release {@code aa}
   * so that alpha, beta and rc builds of that major pass (Teleport's {@code MinClientSemVer}).
   */
  public SemVer oldestSupportedClient() {
    return new SemVer(Math.max(0, major - 1), 0, 0, List.of("aa"));
  }

  @Override
  public int compareTo(SemVer other) {
    int release =
        major != other.major
            ? Long.compare(major, other.major)
            : minor != other.minor
                ? Long.compare(minor, other.minor)
                : Long.compare(patch, other.patch);
    if (release != 0) {
      return release;
    }
    if (preRelease.isEmpty() || other.preRelease.isEmpty()) {
      // A release sorts after its pre-releases.
      return Boolean.compare(preRelease.isEmpty(), other.preRelease.isEmpty());
    }
    for (int i = 0; i < Math.min(preRelease.size(), other.preRelease.size()); i++) {
      int part = compareIdentifier(preRelease.get(i), other.preRelease.get(i));
      if (part != 0) {
        return part;
      }
    }
    return Integer.compare(preRelease.size(), other.preRelease.size());
  }

  /** Numeric identifiers sort before others and by value; the rest by ASCII. */
  private static int compareIdentifier(String a, String b) {
    boolean aNumber = a.chars().allMatch(Character::isDigit);
    boolean bNumber = b.chars().allMatch(Character::isDigit);
    if (aNumber && bNumber) {
      return new BigInteger(a).compareTo(new BigInteger(b));
    }
    if (aNumber != bNumber) {
      return aNumber ? -1 : 1;
    }
    return a.compareTo(b);
  }

  @Override
  public String toString() {
    return major
        + "."
        + minor
        + "."
        + patch
        + (preRelease.isEmpty() ? "" : "-" + String.join(".", preRelease));
  }
}
