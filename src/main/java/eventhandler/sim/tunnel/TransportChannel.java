package eventhandler.sim.tunnel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.channel.ChannelOutputStream;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.channel.AbstractServerChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code teleport-transport} channel: on {@code teleport-transport-dial} (payload: the raw JSON
 * of Teleport's {@code DialReq}, or a bare address) to {@code @remote-auth-server} it connects to
 * the Auth Service and splices the channel to it; any other address is refused. The simulator's
 * splice uses a blocking socket and one thread for the way back: few channels, loopback only.
 */
final class TransportChannel extends AbstractServerChannel {
  static final String TYPE = "teleport-transport";
  static final String DIAL = "teleport-transport-dial";
  static final String REMOTE_AUTH = "@remote-auth-server";
  private static final Logger log = LoggerFactory.getLogger(TransportChannel.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final InetSocketAddress authAddress;
  private final AtomicLong dials;
  private volatile Socket auth;

  private TransportChannel(InetSocketAddress authAddress, AtomicLong dials) {
    super("", java.util.List.of(), null);
    this.authAddress = authAddress;
    this.dials = dials;
  }

  static final class Factory implements ChannelFactory {
    private final String type;
    private final InetSocketAddress authAddress;
    private final AtomicLong dials;

    Factory(String type, InetSocketAddress authAddress, AtomicLong dials) {
      this.type = type;
      this.authAddress = authAddress;
      this.dials = dials;
    }

    @Override
    public String getName() {
      return type;
    }

    @Override
    public Channel createChannel(Session session) {
      return new TransportChannel(authAddress, dials);
    }
  }

  @Override
  protected RequestHandler.Result handleInternalRequest(
      String request, boolean wantReply, Buffer buffer) throws IOException {
    if (!DIAL.equals(request)) {
      return super.handleInternalRequest(request, wantReply, buffer);
    }
    String address = address(new String(buffer.getCompactData(), StandardCharsets.UTF_8));
    if (!REMOTE_AUTH.equals(address) || auth != null) {
      log.debug("sim tunnel: refusing a dial to {}", address);
      return RequestHandler.Result.ReplyFailure;
    }
    // Teleport's server writes a single space on stderr once the channel is accepted.
    OutputStream stderr = channelStream(SshConstants.SSH_MSG_CHANNEL_EXTENDED_DATA);
    stderr.write(' ');
    stderr.flush();
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.connect(authAddress, 5_000);
    } catch (IOException e) {
      socket.close();
      log.debug("sim tunnel: cannot reach Auth at {}", authAddress, e);
      return RequestHandler.Result.ReplyFailure;
    }
    auth = socket;
    dials.incrementAndGet();
    Thread back = new Thread(() -> copyBack(socket), "sim-tunnel-auth");
    back.setDaemon(true);
    back.start();
    return RequestHandler.Result.ReplySuccess;
  }

  /** The address of a {@code DialReq}: JSON {@code {"address": ...}} or the bare text. */
  static String address(String payload) {
    String text = payload.trim();
    if (!text.startsWith("{")) {
      return text;
    }
    try {
      JsonNode request = JSON.readTree(text);
      return request.path("address").asText("");
    } catch (IOException e) {
      return "";
    }
  }

  private OutputStream channelStream(byte command) {
    return new ChannelOutputStream(this, getRemoteWindow(), log, command, true);
  }

  /** Auth to the client, until Auth closes; then EOF and close. */
  private void copyBack(Socket socket) {
    byte[] chunk = new byte[32 * 1024];
    try (InputStream in = socket.getInputStream();
        OutputStream out = channelStream(SshConstants.SSH_MSG_CHANNEL_DATA)) {
      for (int n; (n = in.read(chunk)) >= 0; ) {
        out.write(chunk, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      log.debug("sim tunnel: splice from Auth ended", e);
    } finally {
      close(false);
    }
  }

  @Override
  protected void doWriteData(byte[] data, int off, long len) throws IOException {
    Socket socket = auth;
    if (socket == null) {
      throw new IOException("data on a teleport-transport channel before its dial");
    }
    socket.getOutputStream().write(data, off, (int) len);
    getLocalWindow().release(len);
  }

  @Override
  protected void doWriteExtendedData(byte[] data, int off, long len) throws IOException {
    getLocalWindow().release(len);
  }

  @Override
  public void handleEof() throws IOException {
    super.handleEof();
    Socket socket = auth;
    if (socket != null && !socket.isClosed()) {
      socket.shutdownOutput();
    }
  }

  @Override
  protected void preClose() {
    Socket socket = auth;
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    super.preClose();
  }
}
