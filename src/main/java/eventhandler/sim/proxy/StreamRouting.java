package eventhandler.sim.proxy;

import eventhandler.sim.auth.ClientRoute;
import io.netty.channel.ChannelHandler;

/** Makes the handler that routes a new byte stream as the front routes a new TCP connection. */
@FunctionalInterface
interface StreamRouting {
  /** A router for a stream whose client came in by {@code mode}. */
  ChannelHandler routerFor(ClientRoute mode);
}
