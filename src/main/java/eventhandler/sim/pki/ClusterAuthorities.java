package eventhandler.sim.pki;

import eventhandler.tls.CertificateIssuer;
import eventhandler.tls.CertificateIssuer.Issued;
import eventhandler.tls.CertificateIssuer.Subject;
import eventhandler.tls.CertificateIssuer.Usage;
import eventhandler.tls.NativeTls;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * The cluster's certificate authorities and server certificates: a host CA (signs the Auth server
 * and the Proxy's host certificate; clients trust it), a user CA (signs client identities; Auth
 * trusts only it), a web CA for the proxy's web certificate, and a "foreign" CA with the user CA's
 * name but another key, for identities the cluster must refuse. Subjects are {@code O=<cluster>,
 * CN=<cluster>}, because Teleport's client reads the cluster name from the CA's Organization.
 */
public final class ClusterAuthorities {
  /** The name Teleport clients expect on the Auth Service's certificate. */
  static final String API_DOMAIN = "teleport.cluster.local";

  private static final Duration CA_VALIDITY = Duration.ofDays(3650);
  private static final Duration SERVER_VALIDITY = Duration.ofDays(365);

  private final String clusterName;
  private final CertificateIssuer issuer;
  private final Issued hostCa;
  private final Issued userCa;
  private final Issued authServer;
  private final Issued webCa;
  private final Issued webServer;
  private final Issued proxyHost;
  private Issued foreignUserCa;
  private SshHostKey sshHost;
  private SshHostKey foreignSshHost;

  public ClusterAuthorities(String clusterName, CertificateIssuer issuer, Instant now) {
    this.clusterName = clusterName;
    this.issuer = issuer;
    Subject caSubject = new Subject(clusterName, clusterName, List.of());
    // Back-dated, so identities valid "since yesterday" still chain to a valid CA.
    Instant caStart = now.minus(Duration.ofDays(30));
    this.hostCa = issuer.selfSignedCa(caSubject, issuer.ecKeyPair(), caStart, CA_VALIDITY);
    this.userCa = issuer.selfSignedCa(caSubject, issuer.ecKeyPair(), caStart, CA_VALIDITY);
    this.authServer =
        issuer.issue(
            hostCa,
            issuer.ecKeyPair(),
            new Subject(API_DOMAIN, clusterName, List.of("Auth")),
            now,
            SERVER_VALIDITY,
            List.of(API_DOMAIN, "*." + API_DOMAIN),
            List.of(),
            Usage.SERVER);
    this.webCa =
        issuer.selfSignedCa(
            new Subject(clusterName + " web CA", clusterName, List.of()),
            issuer.ecKeyPair(),
            caStart,
            CA_VALIDITY);
    this.webServer =
        issuer.issue(
            webCa,
            issuer.ecKeyPair(),
            Subject.of("localhost"),
            now,
            SERVER_VALIDITY,
            // Its host too, as a real Proxy's: a client reaching the web port through an outbound
            // proxy (which never gets loopback names) names it by this machine's name.
            List.of("localhost", localHostName()).stream().distinct().toList(),
            List.of(InetAddress.getLoopbackAddress()),
            Usage.SERVER);
    // Inside a connection upgrade a client checks the Proxy against the cluster's CAs, not the
    // web PKI, so the Proxy then shows a host certificate naming its public host too.
    this.proxyHost =
        issuer.issue(
            hostCa,
            issuer.ecKeyPair(),
            new Subject("localhost", clusterName, List.of("Proxy")),
            now,
            SERVER_VALIDITY,
            List.of("localhost", API_DOMAIN, "*." + API_DOMAIN),
            List.of(InetAddress.getLoopbackAddress()),
            Usage.SERVER);
  }

  public Issued hostCa() {
    return hostCa;
  }

  public Issued userCa() {
    return userCa;
  }

  public Issued webCa() {
    return webCa;
  }

  /** Same subject as the user CA, different key: certificates it signs fail verification. */
  synchronized Issued foreignUserCa() {
    if (foreignUserCa == null) {
      foreignUserCa =
          issuer.selfSignedCa(
              new Subject(clusterName, clusterName, List.of()),
              issuer.ecKeyPair(),
              userCa.certificate().getNotBefore().toInstant().plus(Duration.ofMinutes(1)),
              CA_VALIDITY);
    }
    return foreignUserCa;
  }

  private static String localHostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  /**
   * The Proxy's SSH host key with its host certificate. {@code foreign}: certified by a CA the
   * cluster does not have, which clients must refuse.
   */
  public synchronized SshHostKey sshHost(boolean foreign) {
    if (sshHost == null) {
      KeyPair hostKey = issuer.ecKeyPair();
      // As a real Proxy's, the certificate names its host too: a client told to reach the tunnel
      // by this machine's name (through an outbound proxy, which never gets loopback names), or
      // by 127.1 where that name is not loopback (the tests' fallback).
      List<String> principals =
          List.of("localhost", "127.0.0.1", "127.1", "::1", clusterName, localHostName());
      Instant from = hostCa.certificate().getNotBefore().toInstant();
      Instant to = from.plus(SERVER_VALIDITY);
      sshHost =
          new SshHostKey(
              hostKey,
              SshCertificates.host(hostKey.getPublic(), hostCa.keyPair(), principals, from, to));
      foreignSshHost =
          new SshHostKey(
              hostKey,
              SshCertificates.host(hostKey.getPublic(), issuer.ecKeyPair(), principals, from, to));
    }
    return foreign ? foreignSshHost : sshHost;
  }

  /** Auth's TLS: its certificate, client certificates required and checked against the user CA. */
  public SslContext authServerTls() {
    try {
      // The TLS the export uses (BoringSSL where it loads): near Go's cost per event, where the
      // JDK's AES-GCM runs partly as plain Java for the first ~20 s and would weigh on bench.
      SslProvider provider = NativeTls.provider();
      SslContextBuilder builder =
          GrpcSslContexts.configure(
              SslContextBuilder.forServer(
                  authServer.keyPair().getPrivate(), authServer.certificate()),
              provider);
      if (provider == SslProvider.OPENSSL) {
        builder.trustManager(new GoAlertTrust(userCa.certificate()));
      } else {
        builder.trustManager(userCa.certificate());
      }
      return builder.clientAuth(ClientAuth.REQUIRE).build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot set up the simulated Auth Service's TLS", e);
    }
  }

  /**
   * The proxy's TLS with its web certificate, no client certificate, agreeing on ALPN {@code
   * protocol}: the web API and {@code teleport-reversetunnel} straight on the front.
   */
  public SslContext webServerTls(String protocol) {
    return proxyTls(webServer, protocol);
  }

  /** The proxy's TLS with its host certificate: {@code protocol} inside a connection upgrade. */
  public SslContext proxyHostTls(String protocol) {
    return proxyTls(proxyHost, protocol);
  }

  /** Any SNI is accepted: the JDK engine has no SNI matcher here, so it never refuses a name. */
  private static SslContext proxyTls(Issued server, String protocol) {
    try {
      return SslContextBuilder.forServer(server.keyPair().getPrivate(), server.certificate())
          .sslProvider(SslProvider.JDK)
          .applicationProtocolConfig(
              new ApplicationProtocolConfig(
                  ApplicationProtocolConfig.Protocol.ALPN,
                  ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                  ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                  protocol))
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot set up the simulated Proxy's TLS for " + protocol, e);
    }
  }
}
