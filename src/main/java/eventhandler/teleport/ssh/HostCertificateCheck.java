package eventhandler.teleport.ssh;

import java.net.SocketAddress;
import java.security.PublicKey;
import java.util.List;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;

/**
 * Accepts the Proxy's SSH host key only as an OpenSSH host certificate signed by one of the
 * identity's host CAs; nothing is trusted on first use. (The SSH library has already checked the
 * certificate's own signature, validity and principals before it asks.) Says why it refused.
 */
final class HostCertificateCheck implements ServerKeyVerifier {
  private final List<PublicKey> authorities;
  private final String target;
  private volatile String refusal;

  HostCertificateCheck(List<PublicKey> authorities, String target) {
    this.authorities = authorities;
    this.target = target;
  }

  /** Why the last host key was refused, or null. */
  String refusal() {
    return refusal;
  }

  @Override
  public boolean verifyServerKey(ClientSession session, SocketAddress address, PublicKey key) {
    String why = check(key);
    refusal = why;
    return why == null;
  }

  private String check(PublicKey key) {
    if (!(key instanceof OpenSshCertificate certificate)) {
      return "the SSH host key of "
          + target
          + " is a plain key ("
          + SshIdentity.fingerprint(key)
          + "), not a host certificate from the cluster's host CA; is this a Teleport Proxy?";
    }
    if (certificate.getType() != OpenSshCertificate.Type.HOST) {
      return "the SSH host key of " + target + " is a user certificate, not a host certificate";
    }
    for (PublicKey authority : authorities) {
      if (KeyUtils.compareKeys(authority, certificate.getCaPubKey())) {
        return null;
      }
    }
    return "the SSH host certificate of "
        + target
        + " is signed by a CA ("
        + SshIdentity.fingerprint(certificate.getCaPubKey())
        + ") that is not among the identity file's @cert-authority lines ("
        + authorities.size()
        + " host CA(s)); is the identity file from this cluster, or is something in between?";
  }
}
