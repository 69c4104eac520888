package eventhandler.sim.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Decides the answer to {@code GET /webapi/connectionupgrade} as Teleport's Proxy does ({@code
 * lib/web/conn_upgrade.go}): the wanted types come from {@code X-Teleport-Upgrade} and {@code
 * Upgrade}; {@code websocket} wins over {@code alpn-ping}, which wins over {@code alpn}. A
 * WebSocket request is checked as gorilla/websocket checks it, and its sub-protocol is {@code
 * alpn-ping} when offered, else {@code alpn}.
 */
final class UpgradeRequest {
  static final String PATH = "/webapi/connectionupgrade";
  static final String TELEPORT_UPGRADE_HEADER = "X-Teleport-Upgrade";
  static final String WEBSOCKET = "websocket";
  static final String ALPN = "alpn";
  static final String ALPN_PING = "alpn-ping";

  /** RFC 6455 section 1.3: appended to the key before hashing. */
  private static final String WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  private UpgradeRequest() {}

  /** The answer to give. */
  sealed interface Decision permits Upgrade, EmptyWebSocket, Refusal {}

  /**
   * Switch protocols to {@code type}.
   *
   * @param accept {@code Sec-WebSocket-Accept}, null for a legacy upgrade
   */
  record Upgrade(UpgradeType type, String accept) implements Decision {}

  /**
   * A valid WebSocket handshake without a sub-protocol Teleport knows: Teleport completes it and
   * then closes the connection at once.
   */
  record EmptyWebSocket(String accept) implements Decision {}

  /** An HTTP error, with the message for the JSON body. */
  record Refusal(HttpResponseStatus status, String message) implements Decision {}

  static Decision decide(HttpRequest request) {
    if (!HttpMethod.GET.equals(request.method())) {
      // The route exists only for GET, so Teleport's router answers 405 before the handler runs.
      return new Refusal(
          HttpResponseStatus.METHOD_NOT_ALLOWED,
          request.method() + " is not allowed on " + PATH + "; send GET");
    }
    HttpHeaders headers = request.headers();
    List<String> wanted = new ArrayList<>(tokens(headers, TELEPORT_UPGRADE_HEADER));
    wanted.addAll(tokens(headers, HttpHeaderNames.UPGRADE.toString()));
    if (wanted.contains(WEBSOCKET)) {
      return webSocket(headers);
    }
    if (wanted.contains(ALPN_PING)) {
      return new Upgrade(UpgradeType.LEGACY_ALPN_PING, null);
    }
    if (wanted.contains(ALPN)) {
      return new Upgrade(UpgradeType.LEGACY_ALPN, null);
    }
    // Teleport answers trace.NotFound here, which its web handler sends as 404.
    return new Refusal(
        HttpResponseStatus.NOT_FOUND,
        "unsupported upgrade types: [" + String.join(" ", wanted) + "]");
  }

  private static Decision webSocket(HttpHeaders headers) {
    if (!tokens(headers, HttpHeaderNames.CONNECTION.toString()).contains("upgrade")) {
      return badRequest(
          "websocket: the client is not using the websocket protocol:"
              + " 'upgrade' token not found in 'Connection' header");
    }
    if (!tokens(headers, HttpHeaderNames.UPGRADE.toString()).contains(WEBSOCKET)) {
      return badRequest(
          "websocket: the client is not using the websocket protocol:"
              + " 'websocket' token not found in 'Upgrade' header");
    }
    if (!tokens(headers, HttpHeaderNames.SEC_WEBSOCKET_VERSION.toString()).contains("13")) {
      return badRequest(
          "websocket: unsupported version: 13 not found in 'Sec-Websocket-Version' header");
    }
    String key = headers.get(HttpHeaderNames.SEC_WEBSOCKET_KEY);
    if (!validKey(key)) {
      return badRequest(
          "websocket: not a websocket handshake: 'Sec-WebSocket-Key' header must be Base64"
              + " encoded value of 16-byte in length");
    }
    List<String> offered = tokens(headers, HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL.toString());
    if (offered.contains(ALPN_PING)) {
      return new Upgrade(UpgradeType.WEBSOCKET_ALPN_PING, accept(key));
    }
    if (offered.contains(ALPN)) {
      return new Upgrade(UpgradeType.WEBSOCKET_ALPN, accept(key));
    }
    return new EmptyWebSocket(accept(key));
  }

  private static Refusal badRequest(String message) {
    return new Refusal(HttpResponseStatus.BAD_REQUEST, message);
  }

  /** Go's StdEncoding needs the padding, so a 16-byte key is exactly 24 characters. */
  private static boolean validKey(String key) {
    if (key == null || key.length() != 24) {
      return false;
    }
    try {
      return Base64.getDecoder().decode(key).length == 16;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** {@code Sec-WebSocket-Accept} for {@code key}: base64(SHA-1(key + GUID)), RFC 6455. */
  static String accept(String key) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      byte[] digest = sha1.digest((key + WEBSOCKET_GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-1", e);
    }
  }

  /** All values of header {@code name}, split at commas, trimmed and lower-cased. */
  private static List<String> tokens(HttpHeaders headers, String name) {
    List<String> tokens = new ArrayList<>();
    for (String value : headers.getAll(name)) {
      for (String token : value.split(",")) {
        String trimmed = token.trim();
        if (!trimmed.isEmpty()) {
          tokens.add(trimmed.toLowerCase(Locale.ROOT));
        }
      }
    }
    return tokens;
  }
}
