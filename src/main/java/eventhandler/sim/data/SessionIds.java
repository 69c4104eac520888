package eventhandler.sim.data;

import java.util.OptionalLong;
import java.util.UUID;

/**
 * Session IDs of uploaded recordings: random-looking version-4 UUIDs that encode the index of their
 * {@code session.upload} audit event, so a recording can be found from its id without a lookup
 * table. The low 62 bits carry an invertible scramble of the index; the high 64 bits are a keyed
 * hash that rejects ids this cluster never issued.
 */
final class SessionIds {
  private static final long LOW_62 = (1L << 62) - 1;
  private static final long MULTIPLIER = 0x5851f42d4c957f2dL;
  private static final long MULTIPLIER_INVERSE = inverse(MULTIPLIER);

  private final long seed;
  private final long mask;

  SessionIds(long seed) {
    this.seed = seed;
    this.mask = SeededHash.of(seed, -1, 0x51d) & LOW_62;
  }

  String forIndex(long index) {
    long scrambled = ((index ^ mask) * MULTIPLIER) & LOW_62;
    scrambled ^= scrambled >>> 31;
    long low = 0x8000000000000000L | scrambled;
    return new UUID(high(index), low).toString();
  }

  /** The audit event index encoded in {@code sessionId}, if this cluster could have issued it. */
  OptionalLong indexOf(String sessionId) {
    UUID uuid;
    try {
      uuid = UUID.fromString(sessionId);
    } catch (IllegalArgumentException e) {
      return OptionalLong.empty();
    }
    long low = uuid.getLeastSignificantBits();
    if ((low >>> 62) != 2) {
      return OptionalLong.empty();
    }
    long scrambled = low & LOW_62;
    scrambled ^= scrambled >>> 31;
    long index = ((scrambled * MULTIPLIER_INVERSE) & LOW_62) ^ mask;
    return uuid.getMostSignificantBits() == high(index)
        ? OptionalLong.of(index)
        : OptionalLong.empty();
  }

  private long high(long index) {
    return (SeededHash.of(seed, index, 0x5e55) & ~0xf000L) | 0x4000L;
  }

  /** The multiplicative inverse of an odd number modulo 2^64 (Newton's iteration). */
  private static long inverse(long odd) {
    long x = odd;
    for (int i = 0; i < 5; i++) {
      x *= 2 - odd * x;
    }
    return x;
  }
}
