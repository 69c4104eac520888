package eventhandler.sim.tunnel;

import eventhandler.sim.pki.SshHostKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;

/**
 * The Proxy's SSH side of the reverse tunnel, as API clients use it: it presents a host certificate
 * from the host CA, lets in only OpenSSH user certificates from the user CA whose principals name
 * the login, and serves {@code teleport-transport} channels whose {@code teleport-transport-dial}
 * to {@code @remote-auth-server} is spliced to the Auth Service. It listens on its own port (the
 * plain reverse tunnel); the web front hands it what arrives under ALPN {@code
 * teleport-reversetunnel}.
 */
public final class SshTunnelServer implements AutoCloseable {
  /** What the simulated tunnel does differently from a healthy Proxy, for error tests. */
  public enum Fault {
    NONE,
    /** The {@code teleport-transport} channel type is refused. */
    REFUSE_CHANNEL,
  }

  private final SshHostKey hostKey;
  private final PublicKey userCa;
  private final InetSocketAddress authAddress;
  private final Fault fault;
  private final AtomicLong dials = new AtomicLong();
  private SshServer server;

  private final List<Instant> accepted = new CopyOnWriteArrayList<>();

  public SshTunnelServer(
      SshHostKey hostKey, PublicKey userCa, InetSocketAddress authAddress, Fault fault) {
    this.hostKey = hostKey;
    this.userCa = userCa;
    this.authAddress = authAddress;
    this.fault = fault;
  }

  /** Listens on {@code address} (port 0: any free one); returns the address bound. */
  public InetSocketAddress start(InetSocketAddress address) throws IOException {
    SshServer ssh = SshServer.setUpDefaultServer();
    ssh.setHost(address.getHostString());
    ssh.setPort(address.getPort());
    ssh.setKeyPairProvider(KeyPairProvider.wrap(hostKey.keyPair()));
    OpenSshCertificate certificate = hostKey.certificate();
    ssh.setHostKeyCertificateProvider(session -> List.of(certificate));
    ssh.setPasswordAuthenticator(null);
    ssh.setKeyboardInteractiveAuthenticator(null);
    ssh.setGSSAuthenticator(null);
    // The server has already checked the certificate's type, validity and signature.
    ssh.setPublickeyAuthenticator(
        (user, key, session) -> {
          if (key instanceof OpenSshCertificate cert
              && KeyUtils.compareKeys(cert.getCaPubKey(), userCa)
              && cert.getPrincipals().contains(user)) {
            accepted.add(Instant.ofEpochSecond(cert.getValidBefore()));
            return true;
          }
          return false;
        });
    ssh.setForwardingFilter(RejectAllForwardingFilter.INSTANCE);
    // MINA wants at least one channel type; a refusing Proxy offers only one nobody asks for.
    List<ChannelFactory> channels =
        fault == Fault.REFUSE_CHANNEL
            ? List.of(new TransportChannel.Factory("none@sim", authAddress, dials))
            : List.of(new TransportChannel.Factory(TransportChannel.TYPE, authAddress, dials));
    ssh.setChannelFactories(channels);
    CoreModuleProperties.IDLE_TIMEOUT.set(ssh, Duration.ZERO);
    ssh.start();
    server = ssh;
    return new InetSocketAddress(address.getAddress(), ssh.getPort());
  }

  /** {@code teleport-transport-dial} requests to Auth answered with success so far. */
  public long dials() {
    return dials.get();
  }

  /**
   * The end of validity of each user certificate accepted so far, in order: which one a client
   * used.
   */
  public List<Instant> acceptedCertificateExpiries() {
    return List.copyOf(accepted);
  }

  /** Drops every SSH connection now (a broken tunnel), and keeps listening. */
  public void dropConnections() {
    if (server != null) {
      server.getActiveSessions().forEach(session -> session.close(true));
    }
  }

  @Override
  public void close() {
    if (server != null) {
      try {
        server.stop(true);
      } catch (IOException e) {
        // closing anyway
      }
      server = null;
    }
  }
}
