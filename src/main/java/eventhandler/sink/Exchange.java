package eventhandler.sink;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One HTTP request to make: records {@code [from, to)} of a send, as a JSON array or (batch size 1)
 * a bare object, and who to tell how it ended. The callback runs exactly once.
 */
final class Exchange {
  private static final byte OPEN = '[';
  private static final byte COMMA = ',';
  private static final byte CLOSE = ']';

  final String pathAndQuery;
  private final List<byte[]> records;
  private final int from;
  private final int to;
  private final boolean asArray;
  private final int bodyBytes;
  private final Consumer<ExchangeResult> onDone;
  private final AtomicBoolean done = new AtomicBoolean();

  Exchange(
      String pathAndQuery,
      List<byte[]> records,
      int from,
      int to,
      boolean asArray,
      Consumer<ExchangeResult> onDone) {
    this.pathAndQuery = pathAndQuery;
    this.records = records;
    this.from = from;
    this.to = to;
    this.asArray = asArray;
    this.onDone = onDone;
    this.bodyBytes = bodySize(records, from, to, asArray);
  }

  /** Size of the body holding records {@code [from, to)}. */
  static int bodySize(List<byte[]> records, int from, int to, boolean asArray) {
    long size = asArray ? 2 + Math.max(0, to - from - 1) : 0;
    for (int i = from; i < to; i++) {
      size += records.get(i).length;
    }
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("request body too large: " + size + " bytes");
    }
    return (int) size;
  }

  int bodyBytes() {
    return bodyBytes;
  }

  int events() {
    return to - from;
  }

  /** The request body in one buffer of exactly the right size: each record is copied once. */
  ByteBuf body(ByteBufAllocator alloc) {
    ByteBuf body = alloc.heapBuffer(bodyBytes, bodyBytes);
    if (asArray) {
      body.writeByte(OPEN);
    }
    for (int i = from; i < to; i++) {
      if (asArray && i > from) {
        body.writeByte(COMMA);
      }
      body.writeBytes(records.get(i));
    }
    if (asArray) {
      body.writeByte(CLOSE);
    }
    return body;
  }

  void complete(ExchangeResult result) {
    if (done.compareAndSet(false, true)) {
      onDone.accept(result);
    }
  }
}
