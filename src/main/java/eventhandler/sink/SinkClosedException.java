package eventhandler.sink;

/** The sink was closed before the events of a {@code send} were all delivered. */
public final class SinkClosedException extends IllegalStateException {
  public SinkClosedException() {
    super("the Fluentd sink was closed before the events were delivered");
  }
}
