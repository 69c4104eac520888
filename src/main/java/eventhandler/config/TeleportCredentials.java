package eventhandler.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How the program authenticates to Teleport: an identity file ({@code --teleport-identity}), or a
 * certificate, key and CA ({@code --teleport-cert}, {@code --teleport-key}, {@code --teleport-ca}).
 * Exactly one of the two, checked before anything connects.
 */
public sealed interface TeleportCredentials {
  /** An identity file from {@code tctl auth sign} or tbot. */
  record IdentityFile(Path path) implements TeleportCredentials {
    public IdentityFile {
      Objects.requireNonNull(path, "path");
    }
  }

  /** PEM files: client certificate, its private key, and the cluster CA certificates. */
  record KeyPairFiles(Path certificate, Path privateKey, Path certificateAuthorities)
      implements TeleportCredentials {
    public KeyPairFiles {
      Objects.requireNonNull(certificate, "certificate");
      Objects.requireNonNull(privateKey, "privateKey");
      Objects.requireNonNull(certificateAuthorities, "certificateAuthorities");
    }
  }
}
