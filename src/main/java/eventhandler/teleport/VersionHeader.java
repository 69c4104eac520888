package eventhandler.teleport;

import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code version} metadata Teleport's API client puts on every call. An Auth Service that
 * refuses old clients ({@code TELEPORT_UNSTABLE_REJECT_OLD_CLIENTS}) closes the connection of a
 * client older than its own major version minus one, or whose value is not semver; it sets no upper
 * bound. So this program sends at least {@link #FLOOR}, which Auth Services up to v19 accept, and
 * the Proxy's own version when the Proxy names a newer one (the matching Go plugin would send
 * that).
 */
public final class VersionHeader {
  /** Accepted by every Auth Service up to v19, old clients refused or not (v19 wants >= 18.0.0). */
  public static final String FLOOR = "18.0.0";

  public static final Metadata.Key<String> KEY =
      Metadata.Key.of("version", Metadata.ASCII_STRING_MARSHALLER);

  private static final Pattern SEMVER = Pattern.compile("v?(\\d+)\\.(\\d+)\\.(\\d+).*");

  private VersionHeader() {}

  /** {@link #FLOOR}, or the server's version (without any pre-release part) when it is newer. */
  public static String choose(Optional<String> serverVersion) {
    if (serverVersion.isEmpty()) {
      return FLOOR;
    }
    Matcher server = SEMVER.matcher(serverVersion.get().strip());
    if (!server.matches()) {
      return FLOOR;
    }
    Matcher floor = SEMVER.matcher(FLOOR);
    floor.matches();
    for (int part = 1; part <= 3; part++) {
      long a = Long.parseLong(server.group(part));
      long b = Long.parseLong(floor.group(part));
      if (a != b) {
        return a > b ? server.group(1) + "." + server.group(2) + "." + server.group(3) : FLOOR;
      }
    }
    return FLOOR;
  }

  /** An interceptor adding {@code version: <version>} to every call. */
  public static ClientInterceptor interceptor(String version) {
    Metadata headers = new Metadata();
    headers.put(KEY, version);
    return MetadataUtils.newAttachHeadersInterceptor(headers);
  }
}
