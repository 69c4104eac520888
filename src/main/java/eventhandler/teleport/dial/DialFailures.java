package eventhandler.teleport.dial;

import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.proxy.HttpProxyHandler.HttpProxyConnectException;
import io.netty.handler.proxy.ProxyConnectException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/** Turns a failure of the front (proxy, load balancer TLS, upgrade) into one line for a user. */
final class DialFailures {
  private static final Pattern PROXY_STATUS = Pattern.compile("status: (\\d{3})(.*)");

  private DialFailures() {}

  static DialException explain(Front front, Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof DialException dial) {
        return dial instanceof UpgradeRefusedException
            ? new UpgradeRefusedException(front.upgradeUrl() + " " + dial.getMessage())
            : dial;
      }
      if (t instanceof HttpProxyConnectException || t instanceof ProxyConnectException) {
        return proxyFailure(front, t);
      }
      if (t instanceof WebSocketClientHandshakeException handshake) {
        return upgradeRefused(front, handshake);
      }
    }
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof SSLException || t instanceof CertificateException) {
        return new DialException(
            "TLS to the load balancer (or the Proxy's web port) at "
                + front.path().host()
                + ":"
                + front.path().port()
                + " failed: "
                + t.getMessage()
                + ". If its certificate comes from a private CA, name the CA bundle in"
                + " SSL_CERT_FILE (or add it to the system trust store)",
            cause);
      }
    }
    return new DialException(
        "the connection to " + front.path() + " failed before the Teleport TLS: " + cause, cause);
  }

  static DialException closedEarly(Front front) {
    String step =
        switch (front.upgrade()) {
          case NONE -> "the proxy tunnel was open";
          case WEBSOCKET, LEGACY -> "the connection upgrade at " + front.upgradeUrl() + " finished";
        };
    return new DialException("the connection to " + front.path() + " was closed before " + step);
  }

  private static DialException proxyFailure(Front front, Throwable t) {
    HttpProxy proxy = front.path().proxy().orElseThrow();
    String message = t.getMessage() == null ? "" : t.getMessage();
    Matcher status = PROXY_STATUS.matcher(message);
    String target = front.path().host() + ":" + front.path().port();
    if (status.find()) {
      String code = status.group(1);
      String answer = (code + status.group(2)).strip();
      // tinyproxy answers wrong credentials with 401, missing ones with 407.
      if (code.equals("407") || (code.equals("401") && proxy.user().isPresent())) {
        return new DialException(
            "the proxy "
                + proxy
                + (proxy.user().isPresent()
                    ? " refused the credentials in its URL (" + answer + ")"
                    : " wants credentials ("
                        + answer
                        + "): put them in the proxy URL,"
                        + " http://user:password@host:port"));
      }
      return new DialException(
          "the proxy "
              + proxy
              + " refused to open a tunnel (CONNECT) to "
              + target
              + ": "
              + answer
              + " (does it allow CONNECT to port "
              + front.path().port()
              + "? Or add the host to NO_PROXY)");
    }
    if (message.contains("timeout")) {
      return new DialException(
          "the proxy " + proxy + " did not open a tunnel to " + target + " in time", t);
    }
    return new DialException("the proxy " + proxy + " failed: " + message, t);
  }

  private static UpgradeRefusedException upgradeRefused(
      Front front, WebSocketClientHandshakeException handshake) {
    String answer = handshake.getMessage();
    if (handshake.response() != null) {
      answer = "HTTP " + handshake.response().status();
      String body =
          handshake.response() instanceof io.netty.buffer.ByteBufHolder holder
              ? holder.content().toString(StandardCharsets.UTF_8)
              : "";
      String first = body.lines().findFirst().orElse("");
      if (!first.isBlank()) {
        answer += ": " + LegacyUpgradeHandler.abbreviate(first);
      }
    }
    return new UpgradeRefusedException(
        front.upgradeUrl()
            + " refused the WebSocket connection upgrade ("
            + answer
            + "). A load balancer in front of the Proxy must pass WebSocket upgrades (nginx:"
            + " proxy_http_version 1.1 and the Upgrade and Connection headers)");
  }
}
