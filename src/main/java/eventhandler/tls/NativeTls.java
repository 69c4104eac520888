package eventhandler.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.util.Locale;

/**
 * Which TLS implementation the Netty connections (Teleport, Fluentd) use: BoringSSL, shipped with
 * the jar for Linux x86-64, where its native library loads; the JDK's TLS elsewhere. BoringSSL
 * encrypts with AES-NI from the first record, where the JDK runs AES-GCM's GHASH as plain Java for
 * the first ~20 s of a new JVM, and costs less per record once warm.
 *
 * <p>{@code -Deventhandler.tls=jdk} (in {@code JAVA_OPTS}) keeps the JDK's TLS, for a JDK security
 * provider that must do all cryptography (FIPS).
 */
public final class NativeTls {
  /**
   * The system property that chooses: {@code auto} (the default), {@code jdk} or {@code openssl}.
   */
  public static final String PROPERTY = "eventhandler.tls";

  private NativeTls() {}

  public static SslProvider provider() {
    return choose(System.getProperty(PROPERTY, "auto"));
  }

  static SslProvider choose(String setting) {
    switch (setting.trim().toLowerCase(Locale.ROOT)) {
      case "jdk":
        return SslProvider.JDK;
      case "openssl":
        if (!nativeAvailable()) {
          throw new IllegalStateException(
              "-D"
                  + PROPERTY
                  + "=openssl: BoringSSL does not load on this system ("
                  + OpenSsl.unavailabilityCause()
                  + "); leave the property out to use the JDK's TLS");
        }
        return SslProvider.OPENSSL;
      case "auto":
      case "":
        return nativeAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
      default:
        throw new IllegalArgumentException(
            "-D" + PROPERTY + "=" + setting + ": expected auto, jdk or openssl");
    }
  }

  /** What {@link #provider()} chooses and why, for the start-up log. */
  public static String describe() {
    String setting = System.getProperty(PROPERTY, "auto");
    if (choose(setting) == SslProvider.OPENSSL) {
      return OpenSsl.versionString() + " (native, shipped with the jar)";
    }
    if (!nativeAvailable()) {
      return "the JDK's (BoringSSL does not load here: " + OpenSsl.unavailabilityCause() + ")";
    }
    return "the JDK's (-D" + PROPERTY + "=" + setting + ")";
  }

  private static boolean nativeAvailable() {
    return OpenSsl.isAvailable() && SslProvider.isAlpnSupported(SslProvider.OPENSSL);
  }
}
