package eventhandler.teleport.ssh;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * The SSH half of an identity file: the user certificate with its private key, and the host CAs of
 * the {@code @cert-authority ... type=host} lines, which the Proxy's host certificate must chain
 * to.
 */
public record SshIdentity(
    KeyPair login, OpenSshCertificate certificate, List<PublicKey> hostAuthorities) {

  /** Thrown for an SSH certificate or CA line that cannot be used; the message says which. */
  public static final class InvalidException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Reads the certificate line and the {@code @cert-authority} lines of an identity file; {@code
   * key} is the identity's private key (the certificate certifies its public half).
   */
  public static SshIdentity of(PrivateKey key, String certificateLine, List<String> caLines)
      throws InvalidException {
    PublicKey parsed = parse(certificateLine, "SSH certificate");
    if (!(parsed instanceof OpenSshCertificate certificate)) {
      throw new InvalidException("the SSH certificate line holds a plain key", null);
    }
    List<PublicKey> authorities = new ArrayList<>();
    for (String line : caLines) {
      String[] fields = line.trim().split("\\s+");
      // @cert-authority <host patterns> <key type> <base64> [type=host|user]
      if (fields.length >= 4 && !line.contains("type=user")) {
        authorities.add(parse(fields[2] + " " + fields[3], "@cert-authority line"));
      }
    }
    return new SshIdentity(new KeyPair(certificate, key), certificate, List.copyOf(authorities));
  }

  private static PublicKey parse(String line, String what) throws InvalidException {
    try {
      return PublicKeyEntry.parsePublicKeyEntry(line.trim())
          .resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING);
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      throw new InvalidException("cannot read the " + what + ": " + e.getMessage(), e);
    }
  }

  /** The login: the certificate's first principal, as Teleport's client uses it. */
  public String user() {
    return certificate.getPrincipals().stream().findFirst().orElse("");
  }

  public Instant validBefore() {
    long seconds = certificate.getValidBefore();
    return seconds < 0 || seconds == OpenSshCertificate.INFINITY
        ? Instant.MAX
        : Instant.ofEpochSecond(seconds);
  }

  public boolean isValidAt(Instant now) {
    return OpenSshCertificate.isValidAt(certificate, now);
  }

  /** {@code SHA256:...} of a key, for messages. */
  static String fingerprint(PublicKey key) {
    return KeyUtils.getFingerPrint(key);
  }
}
