package eventhandler.teleport.ssh;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.sshd.client.ClientBuilder;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.HostConfigEntry;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * One SSH connection to the Proxy (plain to the tunnel port, or through a bridge that wraps it in
 * TLS), made when first needed and again after it broke; each {@link #open} makes a {@code
 * teleport-transport} channel dialled to Auth. A new connection logs in with the SSH certificate
 * current at that time, so a reloaded identity is used from the next connection on.
 */
public final class SshTunnel implements AutoCloseable {
  /** SSH keepalive: a request every 30 s; three unanswered ones break the connection. */
  static final Duration KEEPALIVE_INTERVAL = Duration.ofSeconds(30);

  private static final int KEEPALIVE_MISSES = 3;

  private final InetSocketAddress proxy;
  private final SocketAddress connectTo;
  private final Supplier<SshIdentity> identity;
  private final Duration timeout;
  private final Clock clock;
  private final SshClient client;
  private ClientSession session;
  private volatile HostCertificateCheck check;

  /**
   * @param proxy the Proxy's host name (checked against the host certificate's principals) and
   *     port, unresolved
   * @param connectTo where the socket goes: {@code proxy} itself, or a loopback bridge
   * @param identity the SSH identity current now (read at each new connection)
   */
  public SshTunnel(
      InetSocketAddress proxy,
      SocketAddress connectTo,
      Supplier<SshIdentity> identity,
      Duration timeout,
      Clock clock) {
    this.proxy = proxy;
    this.connectTo = connectTo;
    this.identity = identity;
    this.timeout = timeout;
    this.clock = clock;
    this.client =
        ClientBuilder.builder()
            .factory(
                () ->
                    new SshClient() {
                      // The host certificate names the Proxy, not the loopback bridge.
                      @Override
                      protected void onConnectOperationComplete(
                          IoSession io,
                          ConnectFuture future,
                          String user,
                          SocketAddress address,
                          KeyIdentityProvider identities,
                          HostConfigEntry config)
                          throws IOException, java.security.GeneralSecurityException {
                        super.onConnectOperationComplete(
                            io, future, user, proxy, identities, config);
                      }
                    })
            .build();
    client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
    client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
    client.setServerKeyVerifier(
        (session, address, key) -> {
          HostCertificateCheck current = check;
          return current != null && current.verifyServerKey(session, address, key);
        });
    // Classic key exchanges only (Teleport's SSH servers offer them): the post-quantum hybrid MINA
    // prefers takes seconds of CPU per connection in a cold JVM, past gRPC's TLS handshake limit.
    client.setKeyExchangeFactories(
        NamedFactory.setUpTransformedFactories(
            false,
            List.of(
                BuiltinDHFactories.curve25519,
                BuiltinDHFactories.ecdhp256,
                BuiltinDHFactories.ecdhp384,
                BuiltinDHFactories.ecdhp521),
            ClientBuilder.DH2KEX));
    CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, KEEPALIVE_INTERVAL);
    CoreModuleProperties.HEARTBEAT_REPLY_WAIT.set(client, KEEPALIVE_INTERVAL.dividedBy(2));
    CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(client, KEEPALIVE_MISSES);
    CoreModuleProperties.IDLE_TIMEOUT.set(client, Duration.ZERO);
    client.start();
  }

  /** "the Proxy's SSH tunnel at host:port", for messages. */
  String target() {
    return "the Proxy's SSH tunnel at " + proxy.getHostString() + ":" + proxy.getPort();
  }

  /** Opens a channel to Auth whose data goes to and from {@code local}; blocks until dialled. */
  TransportChannel open(io.netty.channel.Channel local) throws TunnelException {
    ClientSession current = session();
    TransportChannel channel = new TransportChannel(local);
    try {
      current.getService(ConnectionService.class).registerChannel(channel);
      channel.open().verify(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (IOException | RuntimeException e) {
      channel.close(true);
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof SshChannelOpenException refused) {
          throw new TunnelException(
              target() + " refused the teleport-transport channel: " + refused.getMessage(), e);
        }
      }
      throw new TunnelException(
          target() + ": cannot open the teleport-transport channel: " + e.getMessage(), e);
    }
    try {
      CompletableFuture<Void> dialled = channel.dialAuth();
      dialled.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return channel;
    } catch (IOException | ExecutionException | TimeoutException e) {
      channel.close(true);
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new TunnelException(
          target()
              + " did not dial the Auth Service (teleport-transport-dial @remote-auth-server): "
              + cause.getMessage(),
          cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      channel.close(true);
      throw new TunnelException(target() + ": interrupted", e);
    }
  }

  private synchronized ClientSession session() throws TunnelException {
    if (session != null && session.isOpen()) {
      return session;
    }
    SshIdentity login;
    try {
      login = identity.get();
    } catch (RuntimeException e) {
      throw new TunnelException(e.getMessage(), e);
    }
    if (!login.isValidAt(clock.instant())) {
      throw new TunnelException(
          "the SSH certificate in the identity file is not valid now (valid until "
              + login.validBefore()
              + "); renew the identity file (tctl auth sign, or tbot) for the SSH ways",
          null);
    }
    HostCertificateCheck hostCheck = new HostCertificateCheck(login.hostAuthorities(), target());
    check = hostCheck;
    ClientSession opened = null;
    try {
      opened =
          client
              .connect(login.user(), connectTo)
              .verify(timeout.toMillis(), TimeUnit.MILLISECONDS)
              .getSession();
      opened.addPublicKeyIdentity(login.login());
      opened.auth().verify(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (IOException e) {
      if (opened != null) {
        opened.close(true);
      }
      throw new TunnelException(explain(e, hostCheck, login), e);
    }
    session = opened;
    return opened;
  }

  private String explain(IOException e, HostCertificateCheck hostCheck, SshIdentity login) {
    if (hostCheck.refusal() != null) {
      return hostCheck.refusal() + " (refused; the host key is never trusted on first use)";
    }
    String message = String.valueOf(e.getMessage());
    if (message.contains("No more authentication methods")) {
      return target()
          + " refused the SSH certificate of "
          + login.user()
          + "; is the identity file from this cluster, and not expired?";
    }
    return "cannot reach " + target() + ": " + message;
  }

  @Override
  public synchronized void close() {
    if (session != null) {
      session.close(true);
      session = null;
    }
    try {
      client.stop();
    } catch (RuntimeException e) {
      // stopping anyway
    }
  }
}
