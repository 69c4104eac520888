package eventhandler.teleport.ssh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.apache.sshd.client.channel.AbstractClientChannel;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.ChannelAsyncOutputStream;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * The client's {@code teleport-transport} channel, joined to one Netty channel (gRPC's side of the
 * bridge). What the Proxy sends is written to Netty, and the SSH window is given back only once
 * Netty has written it, so a slow reader slows the Proxy instead of filling memory; the other way,
 * one write to SSH is in flight at a time (the Netty side reads again when it is done).
 */
final class TransportChannel extends AbstractClientChannel {
  static final String TYPE = "teleport-transport";
  static final String DIAL = "teleport-transport-dial";

  /** The body of {@code teleport-transport-dial} to reach Auth: raw JSON of Teleport's DialReq. */
  static final String DIAL_AUTH = "{\"address\":\"@remote-auth-server\",\"conn_type\":\"node\"}";

  private final CompletableFuture<Void> dialed = new CompletableFuture<>();
  private final Channel local;
  private ChannelAsyncOutputStream toProxy;

  TransportChannel(Channel local) {
    super(TYPE);
    this.local = local;
    addCloseFutureListener(
        closed -> {
          // Before the dial is answered the opener closes local, after recording why.
          if (!dialed.completeExceptionally(
              new IOException("the channel closed before the dial"))) {
            local.close();
          }
        });
  }

  @Override
  protected void doOpen() {
    toProxy = new ChannelAsyncOutputStream(this, SshConstants.SSH_MSG_CHANNEL_DATA);
  }

  /** Sends the dial request to Auth; completes when the Proxy answers it. */
  CompletableFuture<Void> dialAuth() throws IOException {
    byte[] body = DIAL_AUTH.getBytes(StandardCharsets.UTF_8);
    Buffer request =
        getSession()
            .createBuffer(SshConstants.SSH_MSG_CHANNEL_REQUEST, DIAL.length() + body.length + 16);
    request.putUInt(getRecipient());
    request.putString(DIAL);
    request.putBoolean(true);
    request.putRawBytes(body); // not an SSH string: Teleport reads the rest of the payload as JSON
    writePacket(request);
    return dialed;
  }

  @Override
  public void handleSuccess() {
    dialed.complete(null);
  }

  @Override
  public void handleFailure() {
    dialed.completeExceptionally(new IOException("the Proxy refused to dial the Auth Service"));
  }

  /** Writes {@code bytes} (released here) to the Proxy. */
  IoWriteFuture send(ByteBuf bytes) throws IOException {
    byte[] data = new byte[bytes.readableBytes()];
    bytes.readBytes(data);
    bytes.release();
    return toProxy.writeBuffer(new ByteArrayBuffer(data));
  }

  @Override
  protected void doWriteData(byte[] data, int off, long len) {
    if (isClosing()) {
      return;
    }
    local
        .writeAndFlush(Unpooled.copiedBuffer(data, off, (int) len))
        .addListener(
            (ChannelFutureListener)
                written -> {
                  if (!written.isSuccess()) {
                    close(true);
                    return;
                  }
                  try {
                    getLocalWindow().release(len);
                  } catch (IOException e) {
                    close(true);
                  }
                });
  }

  /** The single space Teleport's server writes on stderr; nothing else is expected there. */
  @Override
  protected void doWriteExtendedData(byte[] data, int off, long len) throws IOException {
    getLocalWindow().release(len);
  }

  @Override
  public void handleEof() throws IOException {
    super.handleEof();
    local.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
  }
}
