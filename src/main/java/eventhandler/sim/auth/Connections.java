package eventhandler.sim.auth;

import io.netty.channel.Channel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.math.BigInteger;
import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The open TCP connections of the simulated cluster (Auth port and proxy front), so faults can drop
 * them, and the client certificates each Auth connection presented.
 */
public final class Connections {
  private final Set<Channel> authChannels = ConcurrentHashMap.newKeySet();
  private final Set<Channel> proxyChannels = ConcurrentHashMap.newKeySet();

  /** The local address of each proxy connection to Auth, and how its client came in. */
  private final Map<SocketAddress, ClientRoute> proxyUpstreams = new ConcurrentHashMap<>();

  private final List<SeenCertificate> certificates = new CopyOnWriteArrayList<>();

  void acceptedByAuth(Channel channel) {
    track(authChannels, channel);
  }

  public void acceptedByProxy(Channel channel) {
    track(proxyChannels, channel);
  }

  /**
   * A proxy connection to Auth for a client that came in by {@code mode}: Auth sees its local
   * address as the client's address.
   */
  public void proxyUpstream(Channel channel, ClientRoute mode) {
    SocketAddress local = channel.localAddress();
    proxyUpstreams.put(local, mode);
    track(proxyChannels, channel);
    channel.closeFuture().addListener(future -> proxyUpstreams.remove(local));
  }

  private static void track(Set<Channel> channels, Channel channel) {
    channels.add(channel);
    channel.closeFuture().addListener(future -> channels.remove(channel));
  }

  /** Records the client certificate of a finished Auth handshake. */
  void handshakeDone(SSLSession session, SocketAddress remote) {
    if (session == null) {
      return;
    }
    try {
      Certificate[] chain = session.getPeerCertificates();
      if (chain.length > 0 && chain[0] instanceof X509Certificate leaf) {
        BigInteger serial = leaf.getSerialNumber();
        certificates.add(
            new SeenCertificate(
                serial,
                leaf.getSubjectX500Principal().getName(),
                leaf.getNotAfter().toInstant(),
                proxyUpstreams.getOrDefault(remote, ClientRoute.DIRECT),
                remote));
      }
    } catch (SSLPeerUnverifiedException e) {
      // Client authentication is required, so a finished handshake always has a peer.
    }
  }

  public List<SeenCertificate> certificates() {
    return List.copyOf(certificates);
  }

  /** Closes the Auth connection whose client is at {@code remote}; false if there is none. */
  boolean closeAuthConnection(SocketAddress remote) {
    for (Channel channel : authChannels) {
      if (remote != null && remote.equals(channel.remoteAddress())) {
        channel.close();
        return true;
      }
    }
    return false;
  }

  /** Closes every open connection; returns how many there were. */
  public int closeAll() {
    int count = 0;
    for (Channel channel : proxyChannels) {
      channel.close();
      count++;
    }
    for (Channel channel : authChannels) {
      channel.close();
      count++;
    }
    return count;
  }

  public int openAuthConnections() {
    return authChannels.size();
  }

  /** A server socket that reports every connection it accepts to the Auth side. */
  NioServerSocketChannel newAuthServerChannel() {
    return new NioServerSocketChannel() {
      @Override
      protected int doReadMessages(List<Object> accepted) throws Exception {
        int before = accepted.size();
        int count = super.doReadMessages(accepted);
        for (int i = before; i < accepted.size(); i++) {
          acceptedByAuth((Channel) accepted.get(i));
        }
        return count;
      }
    };
  }
}
