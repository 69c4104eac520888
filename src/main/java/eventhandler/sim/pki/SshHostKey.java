package eventhandler.sim.pki;

import java.security.KeyPair;
import org.apache.sshd.common.config.keys.OpenSshCertificate;

/** An SSH server's host key and the host certificate it presents. */
public record SshHostKey(KeyPair keyPair, OpenSshCertificate certificate) {}
