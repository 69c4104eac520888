package eventhandler.sim.fluentd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslClientHelloHandler;
import io.netty.util.concurrent.Future;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fails TLS handshakes that try to resume a session, as Fluentd's in_http does (it never sets a
 * session id context, so OpenSSL answers a resumption with fatal alert 80 {@code internal_error}).
 *
 * <p>Looks at the ClientHello before the TLS engine does: a non-empty session ticket, a TLS 1.3
 * pre-shared key, or a session id this server issued earlier is a resumption attempt.
 */
final class TlsResumptionTrap extends SslClientHelloHandler<Boolean> {
  private static final int EXTENSION_SESSION_TICKET = 35;
  private static final int EXTENSION_PRE_SHARED_KEY = 41;

  /** A plaintext TLS 1.2 record: fatal (2) alert internal_error (80). */
  private static final byte[] INTERNAL_ERROR_ALERT = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x50};

  private final IssuedSessions issued;
  private final AtomicLong sprung;
  private boolean trapped;

  TlsResumptionTrap(IssuedSessions issued, AtomicLong sprung) {
    this.issued = issued;
    this.sprung = sprung;
  }

  /** Session ids handed out by this server (bounded; the oldest are forgotten). */
  static final class IssuedSessions {
    private static final int LIMIT = 100_000;
    private final Set<String> ids =
        Collections.newSetFromMap(
            new LinkedHashMap<>() {
              @Override
              protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > LIMIT;
              }
            });

    synchronized void add(byte[] id) {
      if (id != null && id.length > 0) {
        ids.add(ByteBufUtil.hexDump(id));
      }
    }

    synchronized boolean contains(String hexId) {
      return ids.contains(hexId);
    }
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    if (trapped) {
      in.skipBytes(in.readableBytes()); // the connection is closing; ignore what else arrives
      return;
    }
    super.decode(ctx, in, out);
  }

  @Override
  protected Future<Boolean> lookup(ChannelHandlerContext ctx, ByteBuf clientHello) {
    boolean resumes = clientHello != null && triesToResume(clientHello);
    return ctx.executor().newSucceededFuture(resumes);
  }

  @Override
  protected void onLookupComplete(ChannelHandlerContext ctx, Future<Boolean> future) {
    if (Boolean.TRUE.equals(future.getNow())) {
      trapped = true;
      sprung.incrementAndGet();
      ctx.writeAndFlush(Unpooled.wrappedBuffer(INTERNAL_ERROR_ALERT))
          .addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.pipeline().remove(this);
    }
  }

  /** Reads the ClientHello body (from client_version on) for resumption offers. */
  private boolean triesToResume(ByteBuf hello) {
    int at = hello.readerIndex();
    int end = hello.writerIndex();
    at += 2 + 32; // client_version, random
    if (at >= end) {
      return false;
    }
    int sessionIdLength = hello.getUnsignedByte(at);
    if (at + 1 + sessionIdLength > end) {
      return false;
    }
    if (sessionIdLength > 0
        && issued.contains(ByteBufUtil.hexDump(hello, at + 1, sessionIdLength))) {
      return true;
    }
    at += 1 + sessionIdLength;
    if (at + 2 > end) {
      return false;
    }
    at += 2 + hello.getUnsignedShort(at); // cipher_suites
    if (at + 1 > end) {
      return false;
    }
    at += 1 + hello.getUnsignedByte(at); // compression_methods
    if (at + 2 > end) {
      return false;
    }
    int extensionsEnd = Math.min(end, at + 2 + hello.getUnsignedShort(at));
    at += 2;
    while (at + 4 <= extensionsEnd) {
      int type = hello.getUnsignedShort(at);
      int length = hello.getUnsignedShort(at + 2);
      if (type == EXTENSION_PRE_SHARED_KEY) {
        return true;
      }
      if (type == EXTENSION_SESSION_TICKET && length > 0) {
        return true;
      }
      at += 4 + length;
    }
    return false;
  }
}
