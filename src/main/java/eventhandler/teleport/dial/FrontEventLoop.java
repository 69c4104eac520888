package eventhandler.teleport.dial;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The event loop of connections that go through a front (proxy tunnel, connection upgrade), and of
 * the discovery and probe calls: one daemon thread is plenty for a handful of connections.
 */
public final class FrontEventLoop {
  private FrontEventLoop() {}

  private static final class Holder {
    static final EventLoopGroup GROUP =
        new NioEventLoopGroup(1, new DefaultThreadFactory("teleport-front", true));
  }

  public static EventLoopGroup group() {
    return Holder.GROUP;
  }
}
