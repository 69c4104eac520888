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

  private enum Setting {
    AUTO,
    JDK,
    OPENSSL
  }

  private NativeTls() {}

  public static SslProvider provider() {
    return choose(System.getProperty(PROPERTY, "auto"));
  }

  /**
   * Checks the property's value without loading BoringSSL (which takes 0.2-0.3 s, better spent on
   * the start primer's thread).
   *
   * @throws IllegalArgumentException naming the property and its accepted values
   */
  public static void checkSetting() {
    parse(System.getProperty(PROPERTY, "auto"));
  }

  static SslProvider choose(String value) {
    switch (parse(value)) {
      case JDK:
        return SslProvider.JDK;
      case OPENSSL:
        if (!nativeAvailable()) {
          throw new IllegalStateException(
              "-D"
                  + PROPERTY
                  + "=openssl: BoringSSL does not load on this system ("
                  + OpenSsl.unavailabilityCause()
                  + "); leave the property out to use the JDK's TLS");
        }
        return SslProvider.OPENSSL;
      default:
        return nativeAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }
  }

  /** What {@link #provider()} chooses and why, for the log. */
  public static String describe() {
    String value = System.getProperty(PROPERTY, "auto");
    if (choose(value) == SslProvider.OPENSSL) {
      return OpenSsl.versionString() + " (native, shipped with the jar)";
    }
    if (!nativeAvailable()) {
      return "the JDK's (BoringSSL does not load here: " + OpenSsl.unavailabilityCause() + ")";
    }
    return "the JDK's (-D" + PROPERTY + "=" + value + ")";
  }

  private static Setting parse(String value) {
    String name = value.trim().toUpperCase(Locale.ROOT);
    try {
      return name.isEmpty() ? Setting.AUTO : Setting.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "-D" + PROPERTY + "=" + value + ": expected auto, jdk or openssl", e);
    }
  }

  private static boolean nativeAvailable() {
    return OpenSsl.isAvailable() && SslProvider.isAlpnSupported(SslProvider.OPENSSL);
  }
}
