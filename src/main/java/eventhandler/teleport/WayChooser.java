package eventhandler.teleport;

import eventhandler.teleport.WayDialer.Attempt;
import eventhandler.teleport.dial.Bridge;
import eventhandler.teleport.dial.DialException;
import eventhandler.teleport.dial.Front;
import eventhandler.teleport.dial.FrontEventLoop;
import eventhandler.teleport.dial.ProxyEnvironment;
import eventhandler.teleport.dial.ProxyInfo;
import eventhandler.teleport.dial.ProxyPath;
import eventhandler.teleport.dial.Upgrade;
import eventhandler.teleport.dial.UpgradeCheck;
import eventhandler.teleport.dial.UpgradeRefusedException;
import eventhandler.teleport.dial.WebApiClient;
import eventhandler.teleport.dial.WebTls;
import eventhandler.teleport.dial.WebTrust;
import eventhandler.teleport.proto.auth.PingResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a way to the Auth Service as Teleport's client does, and says why each other way failed.
 * Two lanes run at once: straight to Auth; and through a Proxy: {@code /webapi/find}, then the
 * upgrade check, then the Proxy's ALPN router (directly, or inside the WebSocket upgrade, falling
 * back to the legacy upgrade). The first way whose {@code Ping} succeeds wins.
 */
final class WayChooser {
  private static final Logger LOG = LoggerFactory.getLogger(WayChooser.class);
  static final String ADDRESS_SETTING = "--teleport-addr";

  /** The chosen way, its channel and the Auth Service's Ping answer. */
  record Connected(Way way, ManagedChannel channel, PingResponse pong, Runnable release) {}

  private final ConnectOptions settings;
  private final TeleportAddress address;
  private final ReloadableCredentials credentials;
  private final Map<String, String> environment;
  private final AttemptReasons reasons;
  private final WayDialer dialer;
  private final List<AttemptReasons.Failure> failures =
      Collections.synchronizedList(new ArrayList<>());
  private final List<Attempt> attempts = Collections.synchronizedList(new ArrayList<>());
  private final CompletableFuture<Attempt> winner = new CompletableFuture<>();
  private CompletableFuture<Void> directLane = CompletableFuture.completedFuture(null);

  WayChooser(
      ConnectOptions settings,
      TeleportAddress address,
      ReloadableCredentials credentials,
      Map<String, String> environment,
      StatusTranslator translator,
      Clock clock) {
    this.settings = settings;
    this.address = address;
    this.credentials = credentials;
    this.environment = environment;
    this.reasons = new AttemptReasons(address, credentials, settings.dialTimeout(), translator);
    this.dialer = new WayDialer(settings, address, credentials, clock);
  }

  /** Connects, or throws one error listing each way tried and why it failed. */
  Connected choose() {
    ProxyPath path;
    try {
      path =
          new ProxyPath(
              ProxyEnvironment.from(environment).proxyFor(address.host(), address.port()),
              address.host(),
              address.port(),
              settings.dialTimeout());
    } catch (DialException e) {
      throw new TeleportException(TeleportException.Kind.BAD_PARAMETER, e.getMessage());
    }
    List<CompletableFuture<Void>> lanes = new ArrayList<>();
    if (settings.modes().contains(ConnectionMode.DIRECT)) {
      Way way = new Way(ConnectionMode.DIRECT, new Front(path, Upgrade.NONE, null));
      Attempt direct = launch(way, "", VersionHeader.choose(Optional.empty()));
      directLane = settle(direct);
      lanes.add(directLane);
    }
    if (settings.modes().contains(ConnectionMode.PROXY)) {
      lanes.add(CompletableFuture.runAsync(() -> proxyLane(path), WayChooser::daemon));
    }
    CompletableFuture.allOf(lanes.toArray(CompletableFuture[]::new))
        .whenComplete((done, error) -> winner.complete(null));
    Attempt won;
    try {
      // Discovery and the probe come before the Proxy's own dial timeout; the margin covers them.
      won =
          winner.get(
              settings.dialTimeout().multipliedBy(3).toMillis() + 10_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      shutDownAllBut(null);
      throw new TeleportException(
          TeleportException.Kind.CANCELLED, "connecting to Teleport was interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      won = null;
    }
    shutDownAllBut(won);
    if (won == null) {
      throw reasons.combined(List.copyOf(failures));
    }
    PingResponse pong = result(won);
    for (AttemptReasons.Failure failure : List.copyOf(failures)) {
      LOG.debug("another way, {}, did not work: {}", failure.way(), failure.reason());
    }
    return new Connected(won.way(), won.channel(), pong, won::release);
  }

  private static void daemon(Runnable task) {
    Thread thread = new Thread(task, "teleport-proxy-dial");
    thread.setDaemon(true);
    thread.start();
  }

  /** Discovery, the upgrade check, then the Proxy's router directly or through the upgrade. */
  private void proxyLane(ProxyPath path) {
    WebTls webTls;
    try {
      webTls = new WebTls(WebTrust.load(environment));
    } catch (DialException e) {
      failures.add(new AttemptReasons.Failure("through the Proxy Service", e.getMessage(), null));
      return;
    }
    Optional<ProxyInfo> info = Optional.empty();
    try {
      info = Optional.of(new WebApiClient(FrontEventLoop.group(), webTls).find(path));
    } catch (DialException e) {
      failures.add(new AttemptReasons.Failure("the Proxy Service's web API", e.getMessage(), null));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (info.isEmpty()) {
      // Not a Proxy's web port, or one this program cannot verify. An Auth Service also answers
      // the Proxy route (it selects h2), so let the direct way speak first: no misnamed way.
      directLane.join();
      if (winner.isDone()) {
        return;
      }
    }
    Upgrade form = tlsRoutingWays(path, info, webTls);
    String version = version(info);
    if (!winner.isDone() && info.isPresent()) {
      new SshWays(environment, credentials, settings.dialTimeout(), failures::add)
          .next(path, info.get(), form, webTls)
          .ifPresent(way -> settle(launch(way, "", version)).join());
    }
  }

  private static String version(Optional<ProxyInfo> info) {
    return VersionHeader.choose(info.flatMap(ProxyInfo::serverVersion));
  }

  /** The Proxy's ALPN router, directly or through the upgrade; returns the last front form used. */
  private Upgrade tlsRoutingWays(ProxyPath path, Optional<ProxyInfo> info, WebTls webTls) {
    Optional<String> clusterName = credentials.current().clusterName();
    if (clusterName.isEmpty()) {
      clusterName = info.flatMap(ProxyInfo::clusterName);
    }
    if (clusterName.isEmpty()) {
      failures.add(
          new AttemptReasons.Failure(
              ConnectionMode.PROXY.description(),
              "skipped: the CA certificates in the "
                  + credentials.source().description()
                  + " name no cluster (no Organization in their subject), and no Proxy web API"
                  + " named it; TLS routing needs the cluster name",
              null));
      return Upgrade.NONE;
    }
    UpgradeCheck check = new UpgradeCheck(environment, FrontEventLoop.group(), webTls);
    List<Upgrade> forms;
    try {
      UpgradeCheck.Decision decision = check.decide(path, info.isPresent());
      LOG.debug(
          "connection upgrade for {}: {} ({})", address, decision.required(), decision.reason());
      forms = decision.required() ? check.forms() : List.of(Upgrade.NONE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Upgrade.NONE;
    }
    Upgrade used = Upgrade.NONE;
    for (int i = 0; i < forms.size() && !winner.isDone(); i++) {
      used = forms.get(i);
      Way way = new Way(ConnectionMode.PROXY, new Front(path, used, webTls));
      Attempt attempt = launch(way, clusterName.get(), version(info));
      if (winner.isDone() && winner.getNow(null) != attempt) {
        attempt.release(); // the direct way won while this one was being made
        return used;
      }
      settle(attempt).join();
      if (winner.isDone() || !upgradeRefused(attempt)) {
        return used;
      }
    }
    return used;
  }

  private Attempt launch(Way way, String clusterName, String version) {
    Attempt attempt = dialer.launch(way, clusterName, version);
    attempts.add(attempt);
    return attempt;
  }

  /** Completes when the attempt's Ping is answered; records the winner or the failure. */
  private CompletableFuture<Void> settle(Attempt attempt) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    attempt
        .ping()
        .addListener(
            () -> {
              if (succeeded(attempt)) {
                winner.complete(attempt);
              } else {
                failures.add(failure(attempt));
              }
              done.complete(null);
            },
            Runnable::run);
    return done;
  }

  private void shutDownAllBut(Attempt keep) {
    synchronized (attempts) {
      for (Attempt attempt : attempts) {
        if (attempt != keep) {
          attempt.release();
        }
      }
    }
  }

  private static boolean succeeded(Attempt attempt) {
    try {
      attempt.ping().get(0, TimeUnit.MILLISECONDS);
      return true;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static boolean upgradeRefused(Attempt attempt) {
    Optional<DialException> front = attempt.bridge().flatMap(Bridge::lastFailure);
    if (front.isPresent()) {
      return front.get() instanceof UpgradeRefusedException;
    }
    for (Throwable t = status(attempt).getCause(); t != null; t = t.getCause()) {
      if (t instanceof UpgradeRefusedException) {
        return true;
      }
    }
    return false;
  }

  private static Status status(Attempt attempt) {
    try {
      attempt.ping().get(0, TimeUnit.MILLISECONDS);
      return Status.OK;
    } catch (ExecutionException e) {
      return Status.fromThrowable(e.getCause());
    } catch (TimeoutException e) {
      return Status.DEADLINE_EXCEEDED.withDescription("no answer in time");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Status.CANCELLED.withDescription("interrupted");
    }
  }

  private static PingResponse result(Attempt attempt) {
    try {
      return attempt.ping().get(0, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException | InterruptedException e) {
      throw new IllegalStateException("the winning attempt has no result", e);
    }
  }

  private AttemptReasons.Failure failure(Attempt attempt) {
    Status status = status(attempt);
    Optional<DialException> front = attempt.bridge().flatMap(Bridge::lastFailure);
    if (front.isPresent() && status.getCode() == Status.Code.UNAVAILABLE) {
      // gRPC saw only its in-memory connection close; the bridge knows why the front failed.
      status = Status.UNAVAILABLE.withDescription("front failed").withCause(front.get());
    }
    return reasons.of(attempt.way(), status);
  }
}
