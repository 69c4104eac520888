package eventhandler.teleport;

import java.util.Iterator;

/**
 * A server stream read one item at a time. {@link #hasNext()} blocks until the next item arrives or
 * the stream ends; it throws {@link TeleportException} when the stream fails. Items are pulled with
 * flow control, so a slow reader slows the server instead of filling memory.
 *
 * <p>{@link #close()} cancels the call if it is still running; always close the stream
 * (try-with-resources), also when the reader stops early or throws. After an error the call is
 * already over.
 */
public interface EventStream<T> extends Iterator<T>, AutoCloseable {
  @Override
  void close();
}
