package eventhandler.teleport.dial;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Whether a Proxy address needs the connection upgrade, decided as Teleport's client does: {@code
 * TELEPORT_TLS_ROUTING_CONN_UPGRADE} when set, otherwise a test TLS dial offering only ALPN {@code
 * teleport-reversetunnel}: a Proxy negotiates it; an L7 load balancer, which ends TLS itself,
 * negotiates nothing or refuses the protocol (alert {@code no_application_protocol}).
 */
public final class UpgradeCheck {
  public static final String REQUIRED_VARIABLE = "TELEPORT_TLS_ROUTING_CONN_UPGRADE";
  public static final String MODE_VARIABLE = "TELEPORT_TLS_ROUTING_CONN_UPGRADE_MODE";
  static final String TEST_PROTOCOL = "teleport-reversetunnel";
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

  /** The decision and why, for the debug log and the error when nothing connects. */
  public record Decision(boolean required, String reason) {}

  private final Map<String, String> environment;
  private final EventLoopGroup group;
  private final WebTls tls;

  public UpgradeCheck(Map<String, String> environment, EventLoopGroup group, WebTls tls) {
    this.environment = environment;
    this.group = group;
    this.tls = tls;
  }

  /** The forms to try, in order, once an upgrade is needed: the mode variable may force legacy. */
  public List<Upgrade> forms() {
    String mode = environment.getOrDefault(MODE_VARIABLE, "").strip().toLowerCase(Locale.ROOT);
    return switch (mode) {
      case "legacy" -> List.of(Upgrade.LEGACY);
      case "websocket" -> List.of(Upgrade.WEBSOCKET);
      default -> List.of(Upgrade.WEBSOCKET, Upgrade.LEGACY);
    };
  }

  /** What {@code TELEPORT_TLS_ROUTING_CONN_UPGRADE} says for {@code address}, if anything. */
  Optional<Boolean> byEnvironment(String address) {
    String value = environment.get(REQUIRED_VARIABLE);
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    // "true", "addr=yes,other=no", "0;addr=1": an entry for the address wins, else the bare value.
    boolean all = false;
    for (String token : value.split("[;,]")) {
      String entry = token.strip();
      if (entry.contains("=")) {
        int at = entry.indexOf(address + "=");
        if (at >= 0) {
          return Optional.of(parseBool(entry.substring(at + address.length() + 1)).orElse(false));
        }
      } else {
        all = parseBool(entry).orElse(all);
      }
    }
    return Optional.of(all);
  }

  /**
   * The variable's word for this address when it has one; otherwise the test dial, but only for a
   * Proxy's web port ({@code webApiAnswered}): nothing else can stand behind an L7 load balancer.
   */
  public Decision decide(ProxyPath path, boolean webApiAnswered) throws InterruptedException {
    Optional<Boolean> forced = byEnvironment(path.host() + ":" + path.port());
    if (forced.isPresent()) {
      return new Decision(
          forced.get(), REQUIRED_VARIABLE + "=" + environment.get(REQUIRED_VARIABLE));
    }
    if (!webApiAnswered) {
      return new Decision(false, "not a Proxy's web port (/webapi/find did not answer)");
    }
    return probe(path);
  }

  private Decision probe(ProxyPath path) throws InterruptedException {
    CompletableFuture<Decision> result = new CompletableFuture<>();
    var connect =
        path.withTimeout(PROBE_TIMEOUT)
            .connect(
                group,
                pipeline -> {
                  pipeline.addLast(
                      WebTls.handler(
                          tls.context(List.of(TEST_PROTOCOL)),
                          pipeline.channel().alloc(),
                          path.host(),
                          path.port()));
                  pipeline.addLast(new Outcome(result));
                });
    connect.addListener(
        done -> {
          if (!done.isSuccess()) {
            result.complete(new Decision(false, "test dial failed: " + done.cause().getMessage()));
          }
        });
    try {
      return result.get(PROBE_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      return new Decision(false, "test dial gave no answer in time");
    } finally {
      connect.channel().close();
    }
  }

  static Optional<Boolean> parseBool(String text) {
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "1", "t", "true", "y", "yes", "on" -> Optional.of(true);
      case "0", "f", "false", "n", "no", "off" -> Optional.of(false);
      default -> Optional.empty();
    };
  }

  private static final class Outcome extends ChannelInboundHandlerAdapter {
    private final CompletableFuture<Decision> result;

    Outcome(CompletableFuture<Decision> result) {
      this.result = result;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event instanceof SslHandshakeCompletionEvent done) {
        if (done.isSuccess()) {
          String chosen = ctx.pipeline().get(SslHandler.class).applicationProtocol();
          result.complete(
              chosen == null || chosen.isEmpty()
                  ? new Decision(
                      true, "the server negotiated no ALPN protocol (an L7 load balancer)")
                  : new Decision(false, "the server negotiated " + chosen));
        } else {
          String message = String.valueOf(done.cause().getMessage());
          result.complete(
              message.contains("no_application_protocol")
                  ? new Decision(
                      true, "the server refused ALPN " + TEST_PROTOCOL + " (an L7 load balancer)")
                  : new Decision(false, "test dial failed: " + message));
        }
        ctx.close();
      }
      ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      result.complete(new Decision(false, "test dial failed: " + cause.getMessage()));
      ctx.close();
    }
  }
}
