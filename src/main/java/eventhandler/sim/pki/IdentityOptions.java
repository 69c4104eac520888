package eventhandler.sim.pki;

import java.time.Instant;

/**
 * What a written identity looks like.
 *
 * @param user the certificate's common name (the Teleport user)
 * @param keyFormat key type and PEM encoding
 * @param notBefore start of validity; null = a minute before now
 * @param notAfter end of validity; null = 12 hours from now
 * @param foreignCa sign the client certificate with a CA the cluster does not trust
 * @param sshNotAfter end of the SSH certificate's validity; null = as the TLS certificate
 */
public record IdentityOptions(
    String user,
    KeyFormat keyFormat,
    Instant notBefore,
    Instant notAfter,
    boolean foreignCa,
    Instant sshNotAfter) {
  public static final String DEFAULT_USER = "teleport-event-handler";

  /** A valid identity for {@value #DEFAULT_USER} with an ECDSA key. */
  public static IdentityOptions defaults() {
    return new IdentityOptions(DEFAULT_USER, KeyFormat.EC_SEC1, null, null, false, null);
  }

  public IdentityOptions withUser(String user) {
    return new IdentityOptions(user, keyFormat, notBefore, notAfter, foreignCa, sshNotAfter);
  }

  public IdentityOptions withKeyFormat(KeyFormat keyFormat) {
    return new IdentityOptions(user, keyFormat, notBefore, notAfter, foreignCa, sshNotAfter);
  }

  /** Validity {@code [notBefore, notAfter]}; in the past for an expired identity. */
  public IdentityOptions withValidity(Instant notBefore, Instant notAfter) {
    return new IdentityOptions(user, keyFormat, notBefore, notAfter, foreignCa, sshNotAfter);
  }

  /** The client certificate is signed by another CA, which the cluster refuses. */
  public IdentityOptions signedByForeignCa() {
    return new IdentityOptions(user, keyFormat, notBefore, notAfter, true, sshNotAfter);
  }

  /** The SSH certificate ends at {@code notAfter} (in the past: expired), the TLS one does not. */
  public IdentityOptions withSshNotAfter(Instant notAfter) {
    return new IdentityOptions(user, keyFormat, notBefore, this.notAfter, foreignCa, notAfter);
  }
}
