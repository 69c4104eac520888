package eventhandler.teleport;

import com.google.common.util.concurrent.ListenableFuture;
import eventhandler.teleport.proto.auth.AuthServiceGrpc;
import eventhandler.teleport.proto.auth.PingRequest;
import eventhandler.teleport.proto.auth.PingResponse;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects to a Teleport cluster: loads the credentials (refusing expired ones), then tries every
 * connection mode at once for the address (direct to Auth, and through a Proxy with TLS routing).
 * The first mode whose {@code Ping} succeeds wins; when all fail, one error lists every attempt and
 * its reason.
 */
public final class TeleportConnector {
  private static final Logger LOG = LoggerFactory.getLogger(TeleportConnector.class);
  private static final String ADDRESS_SETTING = "--teleport-addr";

  /** gRPC keepalive as Teleport's Go client sets it. */
  static final Duration KEEPALIVE_TIME = Duration.ofMinutes(1);

  static final Duration KEEPALIVE_TIMEOUT = Duration.ofMinutes(3);

  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final MeterRegistry registry;

  /**
   * @param scheduler runs the periodic credential refresh; it belongs to the caller
   */
  public TeleportConnector(
      Clock clock, ScheduledExecutorService scheduler, MeterRegistry registry) {
    this.clock = clock;
    this.scheduler = scheduler;
    this.registry = registry;
  }

  /**
   * A connected client, or a {@link TeleportException}: kind CREDENTIALS for bad or expired
   * credential files, BAD_PARAMETER for a malformed address, otherwise the kind of the most telling
   * attempt (usually CONNECTION) with every attempt's reason in the message.
   */
  public GrpcTeleportClient connect(TeleportSettings settings) {
    TeleportAddress address = TeleportAddress.parse(settings.address(), ADDRESS_SETTING);
    ReloadableCredentials credentials =
        new ReloadableCredentials(settings.credentials(), clock, registry);
    try {
      GrpcTeleportClient client = dial(settings, address, credentials);
      if (settings.refreshEnabled()) {
        credentials.startRefreshing(scheduler, settings.refreshInterval());
      }
      return client;
    } catch (RuntimeException e) {
      credentials.close();
      throw e;
    }
  }

  private record Attempt(
      ConnectionMode mode, ManagedChannel channel, ListenableFuture<PingResponse> ping) {}

  private record Failure(ConnectionMode mode, String reason, TeleportException error) {}

  private GrpcTeleportClient dial(
      TeleportSettings settings, TeleportAddress address, ReloadableCredentials credentials) {
    StatusTranslator translator =
        new StatusTranslator(settings.maxInboundMessageSize(), settings.maxMessageSizeSetting());
    List<Failure> failures = new ArrayList<>();
    List<Attempt> attempts = new ArrayList<>();
    Optional<String> clusterName = credentials.current().clusterName();
    for (ConnectionMode mode : EnumSet.copyOf(settings.modes())) {
      if (mode == ConnectionMode.PROXY && clusterName.isEmpty()) {
        failures.add(
            new Failure(
                mode,
                "skipped: the CA certificates in the "
                    + credentials.source().description()
                    + " name no cluster (no Organization in their subject), which TLS routing"
                    + " needs",
                null));
        continue;
      }
      ManagedChannel channel = channel(settings, address, credentials, mode, clusterName);
      attempts.add(new Attempt(mode, channel, ping(channel, settings.dialTimeout())));
    }
    Attempt winner = awaitFirstSuccess(attempts, settings.dialTimeout());
    for (Attempt attempt : attempts) {
      if (attempt != winner) {
        attempt.channel().shutdownNow();
        failures.add(
            failure(
                attempt,
                translator,
                () ->
                    HandshakeProbe.run(
                        address,
                        credentials,
                        attempt.mode().alpnProtocols(clusterName.orElse("")),
                        settings.dialTimeout())));
      }
    }
    if (winner == null) {
      throw combined(address, credentials, failures);
    }
    PingResponse pong = result(winner);
    LOG.info(
        "connected to Teleport cluster {} (Teleport {}) at {}, {}",
        pong.getClusterName(),
        pong.getServerVersion(),
        address,
        winner.mode().description());
    for (Failure failure : failures) {
      LOG.debug(
          "the other connection mode, {}, did not work: {}",
          failure.mode().description(),
          failure.reason());
    }
    return new GrpcTeleportClient(
        winner.channel(),
        winner.mode(),
        address,
        credentials,
        pong,
        translator,
        settings.callTimeout(),
        registry);
  }

  private static ManagedChannel channel(
      TeleportSettings settings,
      TeleportAddress address,
      ReloadableCredentials credentials,
      ConnectionMode mode,
      Optional<String> clusterName) {
    List<String> protocols = mode.alpnProtocols(clusterName.orElse(""));
    return NettyChannelBuilder.forAddress(address.host(), address.port())
        .overrideAuthority(ConnectionMode.SERVER_NAME)
        .sslContext(TeleportSslContext.create(credentials, ConnectionMode.SERVER_NAME, protocols))
        .withOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.dialTimeout().toMillis())
        .keepAliveTime(KEEPALIVE_TIME.toMillis(), TimeUnit.MILLISECONDS)
        .keepAliveTimeout(KEEPALIVE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .keepAliveWithoutCalls(true)
        .maxInboundMessageSize(settings.maxInboundMessageSize())
        .intercept(VersionHeader.interceptor())
        .build();
  }

  private static ListenableFuture<PingResponse> ping(ManagedChannel channel, Duration timeout) {
    return ClientCalls.futureUnaryCall(
        channel.newCall(
            AuthServiceGrpc.getPingMethod(),
            CallOptions.DEFAULT.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)),
        PingRequest.getDefaultInstance());
  }

  /** The first attempt whose ping succeeds, or null when all fail. */
  private static Attempt awaitFirstSuccess(List<Attempt> attempts, Duration timeout) {
    CompletableFuture<Attempt> first = new CompletableFuture<>();
    List<CompletableFuture<Void>> done = new ArrayList<>();
    for (Attempt attempt : attempts) {
      CompletableFuture<Void> finished = new CompletableFuture<>();
      done.add(finished);
      attempt
          .ping()
          .addListener(
              () -> {
                if (succeeded(attempt)) {
                  first.complete(attempt);
                }
                finished.complete(null);
              },
              Runnable::run);
    }
    CompletableFuture.allOf(done.toArray(CompletableFuture[]::new))
        .thenRun(() -> first.complete(null));
    try {
      // Each ping has the dial timeout as its deadline; the margin covers the deadline's timer.
      return first.get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      attempts.forEach(attempt -> attempt.channel().shutdownNow());
      throw new TeleportException(
          TeleportException.Kind.CANCELLED, "connecting to Teleport was interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      return null;
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

  private static PingResponse result(Attempt attempt) {
    try {
      return attempt.ping().get(0, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException | InterruptedException e) {
      throw new IllegalStateException("the winning attempt has no result", e);
    }
  }

  private static Failure failure(
      Attempt attempt, StatusTranslator translator, Supplier<Throwable> probe) {
    Status status;
    try {
      attempt.ping().get(0, TimeUnit.MILLISECONDS);
      return new Failure(attempt.mode(), "lost to the other mode", null);
    } catch (ExecutionException e) {
      status = Status.fromThrowable(e.getCause());
    } catch (TimeoutException e) {
      status = Status.DEADLINE_EXCEEDED.withDescription("no answer in time");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      status = Status.CANCELLED.withDescription("interrupted");
    }
    if (closedDuringHandshake(status)) {
      // Learn the real reason (often a proxy's alert) with a blocking handshake.
      Throwable cause = probe.get();
      if (cause != null) {
        status = Status.UNAVAILABLE.withDescription("TLS handshake failed").withCause(cause);
      }
    }
    TeleportException error = translator.translate("Ping", status);
    String reason =
        switch (status.getCode()) {
          case UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED -> StatusTranslator.reason(status);
          case PERMISSION_DENIED -> "permission denied: " + description(status);
          case UNAUTHENTICATED -> "the client certificate was not accepted: " + description(status);
          case UNIMPLEMENTED -> "this is not a Teleport Auth Service (Ping is not implemented)";
          default -> status.getCode() + ": " + description(status);
        };
    return new Failure(attempt.mode(), reason, error);
  }

  private static boolean closedDuringHandshake(Status status) {
    String description = status.getDescription();
    if (status.getCode() != Status.Code.UNAVAILABLE) {
      return false;
    }
    if (description != null
        && description.contains("Connection closed while performing TLS negotiation")) {
      return true;
    }
    // When the server's alert crosses the client's own handshake write, Netty reports only that
    // the write failed; the alert itself is lost the same way.
    for (Throwable cause = status.getCause(); cause != null; cause = cause.getCause()) {
      String message = cause.getMessage();
      if (message != null && message.contains("failure when writing TLS control frames")) {
        return true;
      }
    }
    return false;
  }

  private static String description(Status status) {
    return status.getDescription() == null ? status.getCode().toString() : status.getDescription();
  }

  private static TeleportException combined(
      TeleportAddress address, ReloadableCredentials credentials, List<Failure> failures) {
    StringBuilder message =
        new StringBuilder("cannot connect to Teleport at ")
            .append(address)
            .append(" (")
            .append(ADDRESS_SETTING)
            .append(") with the ")
            .append(credentials.source().description())
            .append(":");
    TeleportException.Kind kind = TeleportException.Kind.CONNECTION;
    boolean retryable = true;
    for (Failure failure : failures) {
      message
          .append("\n  - ")
          .append(failure.mode().description())
          .append(": ")
          .append(failure.reason());
      TeleportException error = failure.error();
      if (error != null
          && (error.kind() == TeleportException.Kind.ACCESS_DENIED
              || error.kind() == TeleportException.Kind.UNAUTHENTICATED)) {
        // An answer from Teleport (access denied, bad certificate) says more than a failed dial.
        kind = error.kind();
        retryable = error.isRetryable();
      }
    }
    message.append(
        "\nCheck the address (the Auth Service, usually port 3025, or a Proxy Service with TLS"
            + " routing, usually port 443) and that the credentials belong to this cluster.");
    return new TeleportException(kind, message.toString(), retryable, null, null);
  }
}
