package eventhandler.sim.proxy;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a TLS ClientHello that routing needs (ALPN protocols and SNI), read from the raw
 * bytes without terminating TLS. Handles a ClientHello split over several TLS records.
 */
record ClientHello(List<String> applicationProtocols, String serverName) {
  private static final int RECORD_HANDSHAKE = 22;
  private static final int HANDSHAKE_CLIENT_HELLO = 1;
  private static final int EXTENSION_SERVER_NAME = 0;
  private static final int EXTENSION_ALPN = 16;

  /** Far above any real ClientHello; stops a peer from making the proxy buffer without end. */
  static final int MAX_BYTES = 64 * 1024;

  /** Thrown when the bytes are not a TLS ClientHello. */
  static final class NotClientHello extends Exception {
    NotClientHello(String message) {
      super(message);
    }
  }

  /**
   * Parses the ClientHello at the start of {@code bytes} (not consumed); null when more bytes are
   * needed.
   */
  static ClientHello parse(ByteBuf bytes) throws NotClientHello {
    byte[] handshake = new byte[0];
    int position = bytes.readerIndex();
    int end = bytes.writerIndex();
    while (true) {
      if (handshake.length >= 4) {
        int length =
            ((handshake[1] & 0xff) << 16) | ((handshake[2] & 0xff) << 8) | (handshake[3] & 0xff);
        if (handshake[0] != HANDSHAKE_CLIENT_HELLO) {
          throw new NotClientHello("the first handshake message is not a ClientHello");
        }
        if (length > MAX_BYTES) {
          throw new NotClientHello("the ClientHello is too large");
        }
        if (handshake.length >= 4 + length) {
          return parseBody(handshake, 4, 4 + length);
        }
      }
      if (end - position < 5) {
        return null;
      }
      if (bytes.getUnsignedByte(position) != RECORD_HANDSHAKE) {
        throw new NotClientHello("not a TLS handshake record");
      }
      int recordLength = bytes.getUnsignedShort(position + 3);
      if (recordLength == 0 || recordLength > 18_432) {
        throw new NotClientHello("invalid TLS record length " + recordLength);
      }
      if (end - position < 5 + recordLength) {
        return null;
      }
      if (handshake.length + recordLength > MAX_BYTES) {
        throw new NotClientHello("the ClientHello is too large");
      }
      byte[] joined = new byte[handshake.length + recordLength];
      System.arraycopy(handshake, 0, joined, 0, handshake.length);
      bytes.getBytes(position + 5, joined, handshake.length, recordLength);
      handshake = joined;
      position += 5 + recordLength;
    }
  }

  private static ClientHello parseBody(byte[] b, int from, int to) throws NotClientHello {
    Reader in = new Reader(b, from, to);
    in.skip(2 + 32); // legacy_version, random
    in.skip(in.u8()); // legacy_session_id
    in.skip(in.u16()); // cipher_suites
    in.skip(in.u8()); // legacy_compression_methods
    List<String> protocols = new ArrayList<>();
    String serverName = null;
    if (in.remaining() == 0) {
      return new ClientHello(protocols, null);
    }
    Reader extensions = in.sub(in.u16());
    while (extensions.remaining() > 0) {
      int type = extensions.u16();
      Reader data = extensions.sub(extensions.u16());
      if (type == EXTENSION_ALPN) {
        Reader list = data.sub(data.u16());
        while (list.remaining() > 0) {
          protocols.add(list.string(list.u8()));
        }
      } else if (type == EXTENSION_SERVER_NAME) {
        Reader list = data.sub(data.u16());
        while (list.remaining() > 0) {
          int nameType = list.u8();
          String name = list.string(list.u16());
          if (nameType == 0) {
            serverName = name;
          }
        }
      }
    }
    return new ClientHello(List.copyOf(protocols), serverName);
  }

  /** Bounds-checked reading of TLS vectors. */
  private static final class Reader {
    private final byte[] bytes;
    private int position;
    private final int end;

    Reader(byte[] bytes, int position, int end) {
      this.bytes = bytes;
      this.position = position;
      this.end = end;
    }

    int remaining() {
      return end - position;
    }

    private void need(int count) throws NotClientHello {
      if (count < 0 || count > remaining()) {
        throw new NotClientHello("truncated ClientHello");
      }
    }

    void skip(int count) throws NotClientHello {
      need(count);
      position += count;
    }

    int u8() throws NotClientHello {
      need(1);
      return bytes[position++] & 0xff;
    }

    int u16() throws NotClientHello {
      need(2);
      int value = ((bytes[position] & 0xff) << 8) | (bytes[position + 1] & 0xff);
      position += 2;
      return value;
    }

    String string(int length) throws NotClientHello {
      need(length);
      String value = new String(bytes, position, length, StandardCharsets.US_ASCII);
      position += length;
      return value;
    }

    Reader sub(int length) throws NotClientHello {
      need(length);
      Reader sub = new Reader(bytes, position, position + length);
      position += length;
      return sub;
    }
  }
}
