package eventhandler.logging;

/** "1 batch", "2 batches": a count and a noun for log lines, in the right number. */
public final class Counted {
  private Counted() {}

  /** {@code count} and {@code one} for 1, {@code many} otherwise. */
  public static String of(long count, String one, String many) {
    return count + " " + (count == 1 ? one : many);
  }
}
