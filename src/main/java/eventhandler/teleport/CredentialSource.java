package eventhandler.teleport;

import eventhandler.tls.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** Where the TLS credentials come from; {@link #load()} reads the files anew on every call. */
public sealed interface CredentialSource {

  /** Reads the files; throws {@link TeleportException} of kind CREDENTIALS when they are bad. */
  Credentials load();

  /** The files for messages, e.g. "identity file /etc/teleport/identity". */
  String description();

  /** An identity file ({@code --teleport-identity}). */
  static CredentialSource identityFile(Path file) {
    return new IdentityFileSource(file);
  }

  /** The trio {@code --teleport-cert}, {@code --teleport-key}, {@code --teleport-ca}. */
  static CredentialSource keyPair(Path certificate, Path key, Path authorities) {
    return new KeyPairSource(certificate, key, authorities);
  }

  /** An identity file ({@code --teleport-identity}). */
  record IdentityFileSource(Path file) implements CredentialSource {
    @Override
    public Credentials load() {
      return Credentials.of(description(), IdentityFile.read(file));
    }

    @Override
    public String description() {
      return "identity file " + file;
    }
  }

  /** PEM files: the client certificate, its private key and the cluster's CA certificates. */
  record KeyPairSource(Path certificate, Path key, Path authorities) implements CredentialSource {
    @Override
    public Credentials load() {
      X509Certificate leaf = read(certificate, "--teleport-cert").get(0);
      List<X509Certificate> cas = read(authorities, "--teleport-ca");
      PrivateKey privateKey;
      try {
        privateKey =
            Pem.readPrivateKey(text(key, "--teleport-key"), key + " (--teleport-key)", null);
      } catch (IOException e) {
        throw new TeleportException(TeleportException.Kind.CREDENTIALS, e.getMessage(), e);
      }
      return Credentials.of(description(), privateKey, leaf, cas);
    }

    @Override
    public String description() {
      return "key pair --teleport-cert "
          + certificate
          + ", --teleport-key "
          + key
          + ", --teleport-ca "
          + authorities;
    }

    private static List<X509Certificate> read(Path file, String setting) {
      try {
        return Pem.readCertificates(text(file, setting), file + " (" + setting + ")");
      } catch (IOException e) {
        throw new TeleportException(TeleportException.Kind.CREDENTIALS, e.getMessage(), e);
      }
    }

    private static String text(Path file, String setting) {
      try {
        return Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1);
      } catch (java.nio.file.NoSuchFileException e) {
        throw new TeleportException(
            TeleportException.Kind.CREDENTIALS,
            "the file " + file + " (" + setting + ") does not exist",
            e);
      } catch (IOException e) {
        throw new TeleportException(
            TeleportException.Kind.CREDENTIALS,
            "cannot read " + file + " (" + setting + "): " + e.getMessage(),
            e);
      }
    }
  }
}
