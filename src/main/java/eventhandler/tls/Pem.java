package eventhandler.tls;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * Reads and writes PEM: certificates, private keys in PKCS#1 ({@code RSA PRIVATE KEY}), SEC1
 * ({@code EC PRIVATE KEY}) and PKCS#8 ({@code PRIVATE KEY}) form, and the classic OpenSSL encrypted
 * key form ({@code Proc-Type: 4,ENCRYPTED}) that Fluentd reads.
 *
 * <p>Errors never include key material; they name the source only.
 */
public final class Pem {
  private Pem() {}

  /**
   * OpenSSL's key derivation for encrypted PEM ({@code PBKDF-OpenSSL}) exists only in
   * BouncyCastle's provider; it is used directly, not registered globally. Built on first use: it
   * loads hundreds of classes, which only encrypted keys need (not the start-up path).
   */
  private static final class BouncyCastle {
    static final Provider PROVIDER = new BouncyCastleProvider();
  }

  /** All certificates in a PEM file, in file order. */
  public static List<X509Certificate> readCertificates(Path file) throws IOException {
    return readCertificates(Files.readString(file, StandardCharsets.US_ASCII), file.toString());
  }

  /** All certificates in PEM text, in order; other PEM blocks are skipped. */
  public static List<X509Certificate> readCertificates(String pem, String source)
      throws IOException {
    List<X509Certificate> certificates = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object object;
      while ((object = parser.readObject()) != null) {
        if (object instanceof X509CertificateHolder holder) {
          certificates.add(converter.getCertificate(holder));
        }
      }
    } catch (CertificateException | PEMException e) {
      throw new IOException(source + ": not a valid PEM certificate (" + e.getMessage() + ")", e);
    }
    if (certificates.isEmpty()) {
      throw new IOException(source + ": no PEM certificate found");
    }
    return certificates;
  }

  /** The first private key in a PEM file (unencrypted). */
  public static PrivateKey readPrivateKey(Path file) throws IOException {
    return readPrivateKey(Files.readString(file, StandardCharsets.US_ASCII), file.toString(), null);
  }

  /**
   * The first private key in PEM text. {@code passphrase} opens an encrypted key and is ignored for
   * a plain one.
   */
  public static PrivateKey readPrivateKey(String pem, String source, char[] passphrase)
      throws IOException {
    return asJdkKey(readAnyPrivateKey(pem, source, passphrase), source);
  }

  /**
   * The JDK's own key for an EC key that Bouncy Castle made. Once a library (MINA SSHD) registers
   * Bouncy Castle as a provider, the PEM converter returns its "ECDSA" keys, which the JDK's TLS
   * key selection (algorithm "EC") and {@link KeyMatch} do not recognise.
   */
  private static PrivateKey asJdkKey(PrivateKey key, String source) throws IOException {
    if (!key.getAlgorithm().equals("ECDSA")) {
      return key;
    }
    try {
      return java.security.KeyFactory.getInstance("EC")
          .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(key.getEncoded()));
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException(source + ": the EC private key cannot be read", e);
    }
  }

  private static PrivateKey readAnyPrivateKey(String pem, String source, char[] passphrase)
      throws IOException {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object object;
      while ((object = parser.readObject()) != null) {
        if (object instanceof PEMKeyPair pair) {
          // SEC1 makes the public key optional (RFC 5915); without it only the private part is
          // there to convert.
          return pair.getPublicKeyInfo() == null
              ? converter.getPrivateKey(pair.getPrivateKeyInfo())
              : converter.getKeyPair(pair).getPrivate();
        }
        if (object instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
        if (object instanceof PEMEncryptedKeyPair encrypted) {
          requirePassphrase(passphrase, source);
          return converter.getPrivateKey(
              encrypted
                  .decryptKeyPair(
                      new JcePEMDecryptorProviderBuilder()
                          .setProvider(BouncyCastle.PROVIDER)
                          .build(passphrase))
                  .getPrivateKeyInfo());
        }
        if (object instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
          requirePassphrase(passphrase, source);
          return converter.getPrivateKey(
              encrypted.decryptPrivateKeyInfo(
                  new JceOpenSSLPKCS8DecryptorProviderBuilder()
                      .setProvider(BouncyCastle.PROVIDER)
                      .build(passphrase)));
        }
      }
    } catch (PEMException | PKCSException | OperatorCreationException e) {
      throw new IOException(
          source + ": the private key cannot be read (wrong passphrase or not a key)", e);
    }
    throw new IOException(source + ": no PEM private key found");
  }

  private static void requirePassphrase(char[] passphrase, String source) throws IOException {
    if (passphrase == null) {
      throw new IOException(source + ": the private key is encrypted and no passphrase was given");
    }
  }

  /** PEM text of one object (certificate or private key), unencrypted. */
  public static String encode(Object certificateOrKey) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      if (certificateOrKey instanceof ECPrivateKey ec) {
        writer.writeObject(new PemObject("EC PRIVATE KEY", sec1(ec)));
        return finish(writer, out);
      }
      writer.writeObject(new JcaMiscPEMGenerator(certificateOrKey));
    } catch (IOException e) {
      throw new IllegalStateException("PEM encoding failed", e);
    }
    return out.toString();
  }

  private static String finish(JcaPEMWriter writer, StringWriter out) throws IOException {
    writer.flush();
    return out.toString();
  }

  /**
   * SEC1 {@code ECPrivateKey} with the curve and the public key, as OpenSSL and Go write it. The
   * generic encoder drops the curve of JDK keys (it lives only in their PKCS#8 wrapper), which
   * leaves a key nobody can read back.
   */
  private static byte[] sec1(ECPrivateKey key) throws IOException {
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
    ASN1Encodable parameters = info.getPrivateKeyAlgorithm().getParameters();
    X9ECParameters curve =
        parameters instanceof ASN1ObjectIdentifier oid
            ? ECNamedCurveTable.getByOID(oid)
            : X9ECParameters.getInstance(parameters);
    byte[] publicPoint = curve.getG().multiply(key.getS()).normalize().getEncoded(false);
    return new org.bouncycastle.asn1.sec.ECPrivateKey(
            curve.getN().bitLength(), key.getS(), new DERBitString(publicPoint), parameters)
        .getEncoded();
  }

  /**
   * A private key in the classic OpenSSL encrypted PEM form ({@code Proc-Type: 4,ENCRYPTED}, {@code
   * DEK-Info: AES-256-CBC}), which Fluentd and OpenSSL open with the passphrase.
   */
  public static String encodeEncrypted(PrivateKey key, char[] passphrase) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(
          new JcaMiscPEMGenerator(
              key,
              new JcePEMEncryptorBuilder("AES-256-CBC")
                  .setProvider(BouncyCastle.PROVIDER)
                  .setSecureRandom(new SecureRandom())
                  .build(passphrase)));
    } catch (IOException e) {
      throw new IllegalStateException("PEM encoding failed", e);
    }
    return out.toString();
  }
}
