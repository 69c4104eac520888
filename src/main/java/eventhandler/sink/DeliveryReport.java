package eventhandler.sink;

/**
 * What one {@link EventSink#send} did.
 *
 * @param delivered events Fluentd accepted (HTTP 2xx)
 * @param deadLettered events Fluentd refused for good, written to the dead-letter file
 * @param requests HTTP requests made, retries and poison isolation included
 * @param retries requests repeated after a failure (connection error, timeout, 5xx, 429)
 */
public record DeliveryReport(int delivered, int deadLettered, int requests, int retries) {
  public static final DeliveryReport EMPTY = new DeliveryReport(0, 0, 0, 0);
}
