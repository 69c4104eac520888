package eventhandler.teleport.dial;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;

/**
 * The legacy connection upgrade: {@code GET /webapi/connectionupgrade} with {@code Upgrade: alpn}
 * and {@code X-Teleport-Upgrade: alpn}; after {@code 101} the connection carries raw bytes.
 */
final class LegacyUpgradeHandler extends ChannelInboundHandlerAdapter {
  /** Fired when the stream is ready for the inner TLS. */
  static final Object UPGRADED = new Object();

  private static final int MAX_RESPONSE_HEAD = 16 * 1024;
  private static final byte[] END_OF_HEAD = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private final String hostHeader;
  private ByteBuf received;

  LegacyUpgradeHandler(String hostHeader) {
    this.hostHeader = hostHeader;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    String request =
        "GET "
            + Upgrade.PATH
            + " HTTP/1.1\r\n"
            + "Host: "
            + hostHeader
            + "\r\n"
            + "Upgrade: alpn\r\n"
            + "X-Teleport-Upgrade: alpn\r\n"
            + "Connection: Upgrade\r\n"
            + "\r\n";
    ctx.writeAndFlush(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII));
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object message) throws Exception {
    ByteBuf bytes = (ByteBuf) message;
    if (received == null) {
      received = ctx.alloc().buffer();
    }
    received.writeBytes(bytes);
    bytes.release();
    int end = indexOf(received, END_OF_HEAD);
    if (end < 0) {
      if (received.readableBytes() > MAX_RESPONSE_HEAD) {
        throw new UpgradeRefusedException(
            "the answer to the legacy connection upgrade is not HTTP (no end of headers in "
                + MAX_RESPONSE_HEAD
                + " bytes)");
      }
      return;
    }
    String head = received.toString(0, end, StandardCharsets.ISO_8859_1);
    received.readerIndex(end + END_OF_HEAD.length);
    String statusLine = head.lines().findFirst().orElse("");
    if (!statusLine.matches("HTTP/1\\.[01] 101( .*)?")) {
      String body = received.toString(StandardCharsets.UTF_8).lines().findFirst().orElse("");
      throw new UpgradeRefusedException(
          "answered the legacy upgrade (Upgrade: alpn) with \""
              + statusLine.strip()
              + "\""
              + (body.isBlank() ? "" : ": " + abbreviate(body)));
    }
    ByteBuf rest = received;
    received = null;
    ctx.fireUserEventTriggered(UPGRADED);
    if (rest.isReadable()) {
      ctx.fireChannelRead(rest);
    } else {
      rest.release();
    }
    ctx.pipeline().remove(this);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (received != null) {
      received.release();
      received = null;
    }
  }

  static String abbreviate(String text) {
    String line = text.strip();
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }

  private static int indexOf(ByteBuf buffer, byte[] needle) {
    int from = buffer.readerIndex();
    int last = buffer.writerIndex() - needle.length;
    outer:
    for (int i = from; i <= last; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (buffer.getByte(i + j) != needle[j]) {
          continue outer;
        }
      }
      return i - from;
    }
    return -1;
  }
}
