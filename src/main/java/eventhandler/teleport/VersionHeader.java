package eventhandler.teleport;

import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;

/**
 * The {@code version} metadata Teleport's API client puts on every call. The Auth Service may
 * reject clients older than its oldest supported version, or whose value is not semver, so this
 * program declares the Teleport release whose event handler it reproduces.
 */
public final class VersionHeader {
  /**
   * The Teleport API version this program declares. Keep it at the Teleport release whose event
   * handler this program follows (the first part of this program's own version, see pom.xml); Auth
   * Services of that major version and the next accept it.
   */
  public static final String DECLARED_VERSION = "16.4.12";

  public static final Metadata.Key<String> KEY =
      Metadata.Key.of("version", Metadata.ASCII_STRING_MARSHALLER);

  private VersionHeader() {}

  /** An interceptor adding {@code version: DECLARED_VERSION} to every call. */
  public static ClientInterceptor interceptor() {
    Metadata headers = new Metadata();
    headers.put(KEY, DECLARED_VERSION);
    return MetadataUtils.newAttachHeadersInterceptor(headers);
  }
}
