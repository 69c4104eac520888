package eventhandler.pipeline.audit;

/**
 * Where the read of one catch-up window stands, as its lane commits it: the page cursor of the
 * request that returned the last delivered event and that event's id (as the Go files locate an
 * event), or done once every event of the window is delivered.
 */
record WindowPosition(String cursor, String lastId, boolean done) {
  static final WindowPosition START = new WindowPosition("", "", false);
  static final WindowPosition DONE = new WindowPosition("", "", true);
}
