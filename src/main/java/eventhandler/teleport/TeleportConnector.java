package eventhandler.teleport;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects to a Teleport cluster: loads the credentials (refusing expired ones), then finds a way
 * to the Auth Service as Teleport's own client does ({@link WayChooser}: direct, or through the
 * Proxy Service, its load balancer and an outbound proxy). When every way fails, one error lists
 * each and its reason.
 */
public final class TeleportConnector {
  private static final Logger LOG = LoggerFactory.getLogger(TeleportConnector.class);

  /** gRPC keepalive as Teleport's Go client sets it. */
  static final Duration KEEPALIVE_TIME = Duration.ofMinutes(1);

  static final Duration KEEPALIVE_TIMEOUT = Duration.ofMinutes(3);

  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final MeterRegistry registry;
  private final Map<String, String> environment;

  /**
   * @param scheduler runs the periodic credential refresh; it belongs to the caller
   */
  public TeleportConnector(
      Clock clock, ScheduledExecutorService scheduler, MeterRegistry registry) {
    this(clock, scheduler, registry, System.getenv());
  }

  /**
   * @param environment where {@code HTTPS_PROXY}, {@code NO_PROXY}, {@code SSL_CERT_FILE} and the
   *     {@code TELEPORT_TLS_ROUTING_CONN_UPGRADE*} variables are read
   */
  public TeleportConnector(
      Clock clock,
      ScheduledExecutorService scheduler,
      MeterRegistry registry,
      Map<String, String> environment) {
    this.clock = clock;
    this.scheduler = scheduler;
    this.registry = registry;
    this.environment = Map.copyOf(environment);
  }

  /**
   * A connected client, or a {@link TeleportException}: kind CREDENTIALS for bad or expired
   * credential files, BAD_PARAMETER for a malformed address or proxy URL, otherwise the kind of the
   * most telling attempt (usually CONNECTION) with every attempt's reason in the message.
   */
  public GrpcTeleportClient connect(ConnectOptions settings) {
    ReloadableCredentials credentials =
        new ReloadableCredentials(settings.credentials(), clock, registry);
    try {
      return connect(settings, credentials);
    } catch (RuntimeException e) {
      credentials.close();
      throw e;
    }
  }

  /**
   * The same with credentials the caller loaded (and still owns when this fails), so that their
   * metrics exist before the first connection and stay the same instance across attempts.
   */
  public GrpcTeleportClient connect(ConnectOptions settings, ReloadableCredentials credentials) {
    TeleportAddress address = TeleportAddress.parse(settings.address(), WayChooser.ADDRESS_SETTING);
    StatusTranslator translator =
        new StatusTranslator(settings.maxInboundMessageSize(), settings.maxMessageSizeSetting());
    WayChooser.Connected connected =
        new WayChooser(settings, address, credentials, environment, translator, clock).choose();
    LOG.info(
        "connected to Teleport cluster {} (Teleport {}) at {}, {}",
        connected.pong().getClusterName(),
        connected.pong().getServerVersion(),
        address,
        connected.way().description());
    GrpcTeleportClient client =
        new GrpcTeleportClient(
            connected,
            () ->
                new WayChooser(settings, address, credentials, environment, translator, clock)
                    .choose(),
            address,
            credentials,
            translator,
            settings.callTimeout(),
            clock,
            registry);
    if (settings.refreshEnabled()) {
      credentials.startRefreshing(scheduler, settings.refreshInterval());
    }
    return client;
  }
}
