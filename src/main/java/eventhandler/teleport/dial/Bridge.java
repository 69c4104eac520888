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
public interface Bridge extends AutoCloseable {
  SocketAddress address();

  Optional<DialException> lastFailure();

  @Override
  void close();

  /**
   * The listener a bridge accepts gRPC's connections on; each accepted channel starts with reads
   * off, so that nothing is read before {@code carry} has made the way on.
   */
  static Channel listen(
      EventLoopGroup group,
      Class<? extends ServerChannel> type,
      SocketAddress at,
      Consumer<Channel> carry) {
    return new ServerBootstrap()
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
}
