package eventhandler.teleport.dial;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import java.net.SocketAddress;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where gRPC connects when its connections must be carried by something it cannot put in its own
 * pipeline (a front's TLS, an SSH channel); says why the last carried connection failed.
 */
public abstract class Bridge implements AutoCloseable {
  private volatile Channel server;
  private volatile DialException lastFailure;

  /**
   * Starts the listener gRPC's connections arrive on; the subclass calls it last in its
   * constructor. Each accepted channel starts with reads off, so that nothing is read before {@code
   * carry} has made the way on.
   */
  protected final void listen(
      EventLoopGroup group,
      Class<? extends ServerChannel> type,
      SocketAddress at,
      Consumer<Channel> carry) {
    server =
        new ServerBootstrap()
            .group(group)
            .channel(type)
            .childOption(ChannelOption.AUTO_READ, false)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel accepted) {
                    carry.accept(accepted);
                  }
                })
            .bind(at)
            .syncUninterruptibly()
            .channel();
  }

  /** Records why a carried connection failed, for the error when nothing connects. */
  protected final void failed(DialException why) {
    lastFailure = why;
  }

  /** Where the client connects ({@code LocalChannel}, or a loopback port). */
  public final SocketAddress address() {
    return server.localAddress();
  }

  public final Optional<DialException> lastFailure() {
    return Optional.ofNullable(lastFailure);
  }

  /** Stops listening; a subclass closes what it carries through too. */
  @Override
  public void close() {
    server.close();
  }
}
