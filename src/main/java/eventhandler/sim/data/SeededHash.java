package eventhandler.sim.data;

/**
 * Deterministic 64-bit hashing (the SplitMix64 finaliser): every simulated value is a pure function
 * of the seed and a position, so nothing needs to be stored and reruns are identical.
 */
final class SeededHash {
  private SeededHash() {}

  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /**
   * A hash of (seed, a, b); different salts {@code b} give independent streams for one {@code a}.
   */
  static long of(long seed, long a, long b) {
    return mix(mix(seed + 0x9e3779b97f4a7c15L * (a + 1)) ^ (b * 0xc2b2ae3d27d4eb4fL));
  }

  /** A hash of (seed, a, b, c). */
  static long of(long seed, long a, long b, long c) {
    return mix(of(seed, a, b) ^ (c * 0x165667b19e3779f9L));
  }

  /** A uniform double in [0, 1) taken from a hash. */
  static double unit(long hash) {
    return (hash >>> 11) * 0x1.0p-53;
  }
}
