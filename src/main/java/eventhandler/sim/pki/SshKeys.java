package eventhandler.sim.pki;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;

/**
 * SSH wire-format public keys and certificate lines for identity files. The certificate has the
 * OpenSSH layout but an unverifiable signature: the event handler only carries it along.
 */
final class SshKeys {
  private SshKeys() {}

  /** {@code <type> <base64>} of a public key, as in known_hosts. */
  static String publicKeyLine(PublicKey key) {
    Wire wire = new Wire();
    writeKey(wire, key, false);
    return keyType(key) + " " + Base64.getEncoder().encodeToString(wire.bytes());
  }

  /** {@code <cert type> <base64>} of a user certificate for {@code key}. */
  static String certificateLine(
      PublicKey key,
      PublicKey caKey,
      String user,
      long validAfterSeconds,
      long validBeforeSeconds,
      long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    String certType =
        keyType(key).equals("ssh-rsa")
            ? "ssh-rsa-cert-v01@openssh.com"
            : "ecdsa-sha2-nistp256-cert-v01@openssh.com";
    Wire wire = new Wire();
    wire.string(certType);
    wire.string(randomBytes(random, 32)); // nonce
    writeKey(wire, key, true);
    wire.uint64(random.nextLong() >>> 1); // serial
    wire.uint32(1); // user certificate
    wire.string(user); // key id
    Wire principals = new Wire();
    for (String principal : List.of(user, "-teleport-internal-join")) {
      principals.string(principal);
    }
    wire.string(principals.bytes());
    wire.uint64(validAfterSeconds);
    wire.uint64(validBeforeSeconds);
    wire.string(new byte[0]); // critical options
    Wire extensions = new Wire();
    extensions.string("permit-pty");
    extensions.string(new byte[0]);
    wire.string(extensions.bytes());
    wire.string(new byte[0]); // reserved
    Wire signatureKey = new Wire();
    writeKey(signatureKey, caKey, false);
    wire.string(signatureKey.bytes());
    Wire signature = new Wire();
    signature.string(keyType(caKey));
    signature.string(randomBytes(random, 72));
    wire.string(signature.bytes());
    return certType + " " + Base64.getEncoder().encodeToString(wire.bytes());
  }

  private static String keyType(PublicKey key) {
    if (key instanceof RSAPublicKey) {
      return "ssh-rsa";
    }
    if (key instanceof ECPublicKey) {
      return "ecdsa-sha2-nistp256";
    }
    throw new IllegalArgumentException("unsupported key type " + key.getAlgorithm());
  }

  /** Key fields; a certificate leaves out the leading type name (it has its own). */
  private static void writeKey(Wire wire, PublicKey key, boolean inCertificate) {
    if (!inCertificate) {
      wire.string(keyType(key));
    }
    if (key instanceof RSAPublicKey rsa) {
      wire.mpint(rsa.getPublicExponent());
      wire.mpint(rsa.getModulus());
    } else if (key instanceof ECPublicKey ec) {
      wire.string("nistp256");
      byte[] point = new byte[65];
      point[0] = 4;
      copyUnsigned(ec.getW().getAffineX(), point, 1);
      copyUnsigned(ec.getW().getAffineY(), point, 33);
      wire.string(point);
    }
  }

  private static void copyUnsigned(BigInteger value, byte[] target, int offset) {
    byte[] bytes = value.toByteArray();
    int length = Math.min(bytes.length, 32);
    System.arraycopy(bytes, bytes.length - length, target, offset + 32 - length, length);
  }

  private static byte[] randomBytes(SplittableRandom random, int count) {
    byte[] bytes = new byte[count];
    for (int i = 0; i < count; i++) {
      bytes[i] = (byte) random.nextInt(256);
    }
    return bytes;
  }

  /** SSH wire encoding (RFC 4251). */
  private static final class Wire {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    void uint32(long value) {
      out.write((int) (value >>> 24));
      out.write((int) (value >>> 16));
      out.write((int) (value >>> 8));
      out.write((int) value);
    }

    void uint64(long value) {
      uint32(value >>> 32);
      uint32(value);
    }

    void string(byte[] bytes) {
      uint32(bytes.length);
      out.writeBytes(bytes);
    }

    void string(String text) {
      string(text.getBytes(StandardCharsets.UTF_8));
    }

    void mpint(BigInteger value) {
      string(value.toByteArray());
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }
}
