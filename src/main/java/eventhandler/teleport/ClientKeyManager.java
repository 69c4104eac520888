package eventhandler.teleport;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents the client certificate that is current at handshake time, so a reloaded identity is used
 * by the next connection without rebuilding the TLS context. Like Teleport's Go client it always
 * offers the certificate, whatever CA names the server lists.
 */
final class ClientKeyManager extends X509ExtendedKeyManager {
  private static final String ALIAS_PREFIX = "teleport-";

  private final ReloadableCredentials credentials;

  ClientKeyManager(ReloadableCredentials credentials) {
    this.credentials = credentials;
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    return chooseClientAlias(keyTypes, issuers, (Socket) null);
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    Credentials now = credentials.current();
    String algorithm = now.privateKey().getAlgorithm();
    if (keyTypes != null) {
      for (String keyType : keyTypes) {
        if (keyType.equals(algorithm)) {
          return ALIAS_PREFIX + now.serial();
        }
      }
    }
    return null;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    Credentials chosen = byAlias(alias);
    return chosen == null ? null : new X509Certificate[] {chosen.certificate()};
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    Credentials chosen = byAlias(alias);
    return chosen == null ? null : chosen.privateKey();
  }

  private Credentials byAlias(String alias) {
    if (alias == null || !alias.startsWith(ALIAS_PREFIX)) {
      return null;
    }
    return credentials.bySerial(alias.substring(ALIAS_PREFIX.length()));
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    String alias = chooseClientAlias(new String[] {keyType}, issuers, (Socket) null);
    return alias == null ? null : new String[] {alias};
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return null;
  }
}
