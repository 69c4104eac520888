package eventhandler.sim.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageCodec;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;

/**
 * The framing of Teleport's {@code pingconn} for the legacy {@code alpn-ping} upgrade, both ways:
 * each packet is a 4-byte big-endian length and that many bytes; a length of 0 is a ping, which is
 * dropped. The pings this side sends bypass it (see {@link UpgradePinger}).
 */
final class PingConnCodec extends ByteToMessageCodec<ByteBuf> {
  /** Far above a TLS record, the most a client writes at once; guards against garbage lengths. */
  static final int MAX_PACKET = 16 * 1024 * 1024;

  /** A ping packet: the length 0 alone. */
  static ByteBuf ping() {
    return Unpooled.wrappedBuffer(new byte[4]);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out)
      throws TooLongFrameException {
    if (in.readableBytes() < 4) {
      return;
    }
    long length = in.getUnsignedInt(in.readerIndex());
    if (length > MAX_PACKET) {
      throw new TooLongFrameException(
          "alpn-ping packet of " + length + " bytes; at most " + MAX_PACKET + " are accepted");
    }
    if (in.readableBytes() < 4 + length) {
      return;
    }
    in.skipBytes(4);
    if (length > 0) {
      out.add(in.readRetainedSlice((int) length));
    }
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, ByteBuf message, ByteBuf out) {
    if (message.isReadable()) {
      out.writeInt(message.readableBytes());
      out.writeBytes(message);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
