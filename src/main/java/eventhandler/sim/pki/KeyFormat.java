package eventhandler.sim.pki;

/** The key type and PEM encoding of an identity's private key. */
public enum KeyFormat {
  /** RSA 2048, PKCS#1 ({@code RSA PRIVATE KEY}), as older Teleport versions write it. */
  RSA_PKCS1,
  /** RSA 2048, PKCS#8 ({@code PRIVATE KEY}). */
  RSA_PKCS8,
  /** ECDSA P-256, SEC1 ({@code EC PRIVATE KEY}), as the balanced algorithm suites write it. */
  EC_SEC1,
  /** ECDSA P-256, PKCS#8 ({@code PRIVATE KEY}). */
  EC_PKCS8;

  boolean rsa() {
    return this == RSA_PKCS1 || this == RSA_PKCS8;
  }
}
